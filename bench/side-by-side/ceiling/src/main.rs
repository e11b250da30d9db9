//! A bare actix-web handler: what one worker on one core can answer when the request
//! costs nothing but HTTP. run-side-by-side.sh loads it exactly as it loads W3.

use actix_web::{App, HttpResponse, HttpServer, web};

/// W3's answer, byte for byte as the service gives it.
const W3_ANSWER: &str = r#"{"data":{"county":{"name":"Stockholms län"}}}"#;

/// The body is taken as the service takes it (whole, as bytes), then ignored.
async fn answer(_body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(W3_ANSWER)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:18090".to_owned());
    HttpServer::new(|| App::new().route("/graphql", web::post().to(answer)))
        .workers(1)
        .bind(bind)?
        .run()
        .await
}
