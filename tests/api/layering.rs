//! The layers depend one way: the API layers (GraphQL, REST) use the services, the
//! services use `auth`, and `auth` never uses a service, so the rules of who may act stay
//! free of the operations they guard.

use std::path::Path;

fn sources(dir: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("source");
            found.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn auth_uses_no_service_and_no_api_layer() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/auth"),
        &mut files,
    );
    assert!(files.len() >= 5, "the auth sources are found");
    for (path, text) in files {
        for layer in ["services", "graphql", "rest", "http"] {
            assert!(
                !text.contains(&format!("crate::{layer}")),
                "{path} uses crate::{layer}"
            );
        }
    }
}
