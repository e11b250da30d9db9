use crate::helpers::{TestApp, on_both_engines};
use serde_json::Value;

on_both_engines!(
    probes_answer_and_carry_a_request_id,
    unknown_route_is_a_json_404
);

async fn probes_answer_and_carry_a_request_id(app: TestApp) {
    for (path, status) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers().contains_key("x-request-id"),
            "{path} has no request id"
        );
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["status"], status);
    }
}

async fn unknown_route_is_a_json_404(app: TestApp) {
    let response = app
        .client
        .get(app.url("/no/such/route"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "NOT_FOUND");
    assert_eq!(body["status"], 404);
}

#[tokio::test]
async fn a_request_id_sent_by_a_proxy_is_kept() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-1234")
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["x-request-id"], "lb-1234");
}
