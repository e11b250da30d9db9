//! `schema.graphql` is the SDL the code produces.

#[test]
fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .unwrap_or_default();
    let produced = cemr_api::graphql::schema::sdl();
    assert!(
        committed == produced,
        "schema.graphql is stale; regenerate it with:\n    cargo run -- export-schema > schema.graphql"
    );
}
