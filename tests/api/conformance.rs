//! The GraphQL-over-HTTP audit suite of the `graphql-http` npm package, run against the
//! real service. Every audit, MUST and SHOULD, has to pass.

use crate::helpers::{Backend, spawn_app};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_over_http_audit_passes_completely() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    if !folder.join("node_modules/graphql-http").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&folder)
            .status()
            .expect("npm (Node.js) is needed for the conformance audit");
        assert!(installed.success(), "npm ci failed in conformance/");
    }
    let app = spawn_app(Backend::Sqlite).await;
    let url = app.url("/graphql");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("audit.mjs")
            .arg(url)
            .current_dir(&folder)
            .output()
    })
    .await
    .expect("join")
    .expect("node runs");
    assert!(
        output.status.success(),
        "audit.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("the audit prints JSON");
    let results = report["results"].as_array().expect("results");
    assert!(
        results.len() >= 50,
        "the suite ran ({} audits)",
        results.len()
    );
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r["status"] != "ok")
        .map(|r| {
            format!(
                "{} {} ({}): {}",
                r["id"], r["name"], r["status"], r["reason"]
            )
        })
        .collect();
    eprintln!(
        "graphql-http audit: {} of {} passed",
        results.len() - failed.len(),
        results.len()
    );
    assert!(failed.is_empty(), "failed audits:\n{}", failed.join("\n"));
}
