//! SIGTERM on the real binary, as an orchestrator stops a replica: readiness turns off
//! while it still serves, then it stops accepting, and every request in flight (a read
//! and an acknowledged write alike) is answered whole before the process exits cleanly.

use crate::helpers::{Backend, TEST_SECRET, TestDatabase, admin_token, on_both_engines};
use crate::process::{BINARY, ServerProcess, command};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

on_both_engines!(backend: sigterm_drains_requests_in_flight_and_cuts_none_off);

/// An HTTP/1.1 request whose head and first half of the body are on the wire.
struct InFlight {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl InFlight {
    async fn begin(port: u16, path: &str, content_type: &str, bearer: &str, body: &[u8]) -> Self {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n\
             Authorization: Bearer {bearer}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let (first, rest) = body.split_at(body.len() / 2);
        stream.write_all(head.as_bytes()).await.expect("write head");
        stream.write_all(first).await.expect("write body");
        stream.flush().await.expect("flush");
        Self {
            stream,
            rest: rest.to_vec(),
        }
    }

    /// Sends the rest of the body and reads the whole answer: status and JSON body.
    async fn finish(mut self) -> (u16, Value) {
        self.stream
            .write_all(&self.rest)
            .await
            .expect("the connection was cut before the body was sent");
        let mut answer = Vec::new();
        self.stream
            .read_to_end(&mut answer)
            .await
            .expect("the answer was cut off");
        let text = String::from_utf8_lossy(&answer);
        let (head, body) = text.split_once("\r\n\r\n").expect("a whole HTTP answer");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        (
            status,
            serde_json::from_str(body).unwrap_or_else(|_| json!({ "unparsed": body })),
        )
    }
}

async fn status_of(client: &reqwest::Client, url: &str) -> Option<u16> {
    client
        .get(url)
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

async fn sigterm_drains_requests_in_flight_and_cuts_none_off(backend: Backend) {
    let (database, url) = TestDatabase::create(backend).await;
    let workdir = tempfile::tempdir().expect("temp dir");
    let mut serve = command(
        Path::new(BINARY),
        &[
            ("DATABASE_URL", &url),
            ("BIND", "127.0.0.1:0"),
            ("LOG_FORMAT", "json"),
            ("LOG_LEVEL", "info"),
            ("APP_ENV", "production"),
            ("JWT_SECRET", TEST_SECRET),
            ("SHUTDOWN_DRAIN_SECS", "2"),
            ("SHUTDOWN_TIMEOUT_SECS", "30"),
        ],
    );
    serve.current_dir(workdir.path());
    let mut server = ServerProcess::start(serve).await;
    let client = reqwest::Client::new();
    assert_eq!(status_of(&client, &server.url("/readyz")).await, Some(200));

    let query = json!({ "query": "{ counties { code } }" }).to_string();
    let mut reads = Vec::new();
    for _ in 0..3 {
        let read = InFlight::begin(
            server.port,
            "/graphql",
            "application/json",
            &admin_token(),
            query.as_bytes(),
        )
        .await;
        reads.push(read);
    }
    let plan = "organisation_code;title;adopted_on;decision_body;period_start_year;period_end_year;priorities;article_numbers\n\
                1880;Handlingsplan under nedstängning;2024-03-01;KOMMUNFULLMAKTIGE;2024;2027;Jämställd service;1|9\n";
    let write = InFlight::begin(
        server.port,
        "/api/v1/imports/action-plans",
        "text/csv",
        &admin_token(),
        plan.as_bytes(),
    )
    .await;
    server.terminate();

    // Draining: not ready any more, yet still answering, so the load balancer moves on.
    let deadline = Instant::now() + Duration::from_secs(10);
    while status_of(&client, &server.url("/readyz")).await != Some(503) {
        assert!(Instant::now() < deadline, "readyz never turned 503");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // Then it stops accepting connections.
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.1", server.port)).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting connections");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    // The requests that were in flight all get their whole answer.
    for read in reads {
        let (status, body) = read.finish().await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["counties"].as_array().map(Vec::len), Some(21));
    }
    let (status, report) = write.finish().await;
    assert_eq!(status, 200, "{report}");
    let exit = server
        .wait(Duration::from_secs(30))
        .await
        .expect("the process exits after the drain");
    assert!(exit.success(), "exit status {exit}");

    // What was acknowledged is in the database.
    let db = cemr_api::db::connect(&cemr_api::config::Settings::for_database(url).database)
        .await
        .expect("connect");
    let stored = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM action_plan WHERE title = 'Handlingsplan under nedstängning'",
        ))
        .await
        .expect("query")
        .and_then(|row| row.try_get_by_index::<i64>(0).ok());
    assert_eq!(stored, Some(1), "the acknowledged import was lost");
    drop(database);
}
