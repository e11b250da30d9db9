//! Generated hostile input: mangled and random GraphQL documents and variables, and
//! random import bodies. Nothing may answer 5xx or panic, and the service stays up.
//! A fixed seed makes every failure reproducible.

use crate::helpers::{Backend, admin_token, spawn_app};
use cemr_api::services::imports::source::{Columns, csv, json, text};
use serde_json::{Value, json};

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SEEDS: [&str; 6] = [
    "{ counties { code name countyBoard { name } region { code } } }",
    "query($f: Int, $a: String) { organisations(first: $f, after: $a, filter: { nameContains: \"ö\" }) { totalCount edges { cursor node { code } } } }",
    "{ signatories(first: 10, orderBy: { field: SIGNED_ON, direction: DESC }) { edges { node { signature { signedOn motives } actionPlanStatus } } } }",
    "query Q { node(id: \"T3JnYW5pc2F0aW9uOjAxODA\") { id ... on Organisation { name } } }",
    "{ study(slug: \"cemr-followup-2021\") { quotes(first: 3) { edges { node { text } } } } }",
    "mutation { login(email: \"a@b.se\", password: \"x\") { accessToken } }",
];

const TOKENS: [&str; 40] = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "$f",
    "@include(if: true)",
    "...",
    "...F",
    "fragment F on County",
    "on",
    "query",
    "mutation",
    "subscription",
    "counties",
    "organisations",
    "first:",
    "after:",
    "node",
    "id",
    "edges",
    "signatories",
    "\"\"",
    "\"ö\\u0000\"",
    "99999999999999999999",
    "-1",
    "1e309",
    "null",
    "true",
    "__schema",
    "__typename",
    "studyStatistics(study: \"x\")",
    "#",
    ",",
    "\n",
    "organisation(code: \"0180\")",
    "county(code: 1)",
    "{ { { { {",
];

fn mangle(rng: &mut Rng, seed: &str) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..=rng.below(6) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if !bytes.is_empty() => {
                bytes.remove(at.min(bytes.len() - 1));
            }
            1 => bytes.insert(
                at,
                rng.pick(&["{", "}", "(", ")", ":", "\"", "$", "@", "\\", "\u{0}"])
                    .as_bytes()[0],
            ),
            2 => {
                let token = rng.pick(&TOKENS);
                bytes.splice(at..at, token.bytes());
            }
            _ => {
                let end = (at + rng.below(12)).min(bytes.len());
                let copy: Vec<u8> = bytes[at.min(end)..end].to_vec();
                bytes.splice(at..at, copy);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn soup(rng: &mut Rng) -> String {
    (0..rng.below(40))
        .map(|_| rng.pick(&TOKENS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn variables(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => json!({ "f": rng.next() as i64 }),
        1 => json!({ "f": "ten", "a": 5 }),
        2 => json!({ "f": [1, 2, { "x": null }], "a": { "deep": [[[]]] } }),
        3 => json!({ "a": "\u{0}\u{1}ÅÄÖ".repeat(rng.below(50)) }),
        4 => json!([1, 2, 3]),
        _ => Value::Null,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_graphql_never_gets_a_5xx() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut rng = Rng(0x6365_6d72_5eed);
    for round in 0..400 {
        let document = match rng.below(3) {
            0 => {
                let seed = SEEDS[rng.below(SEEDS.len())];
                mangle(&mut rng, seed)
            }
            1 => soup(&mut rng),
            _ => SEEDS[rng.below(SEEDS.len())].to_owned(),
        };
        let vars = variables(&mut rng);
        let accept = rng.pick(&[
            "application/json",
            "application/graphql-response+json",
            "*/*",
            "text/html",
        ]);
        let response = if rng.below(4) == 0 {
            app.client
                .get(app.url("/graphql"))
                .header("accept", accept)
                .query(&[
                    ("query", document.as_str()),
                    ("variables", &vars.to_string()),
                ])
                .send()
                .await
        } else {
            let body = if rng.below(10) == 0 {
                document.clone()
            } else {
                json!({ "query": document, "variables": vars }).to_string()
            };
            app.client
                .post(app.url("/graphql"))
                .header("content-type", "application/json")
                .header("accept", accept)
                .body(body)
                .send()
                .await
        }
        .expect("the server answers");
        assert!(
            response.status().as_u16() < 500,
            "round {round}: {} for {document:?} with {vars}",
            response.status()
        );
    }
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("alive")
            .status(),
        200
    );
}

static ANY: Columns = Columns {
    key: &["organisation_code"],
    required: &["organisation_code"],
    optional: &["title", "adopted_on", "summary"],
    read_only: &["status"],
};

fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    let alphabet: &[u8] =
        b"organisation_code,title;adopted_on\n\r\"'0123456789-|\xEF\xBB\xBF\xC3\xA4\xE4[]{}:null";
    (0..rng.below(300))
        .map(|_| alphabet[rng.below(alphabet.len())])
        .collect()
}

#[test]
fn the_import_parsers_never_panic_on_random_input() {
    let mut rng = Rng(0xC5_u64 << 32 | 0x1234);
    for _ in 0..5_000 {
        let bytes = random_bytes(&mut rng);
        for charset in [None, Some("windows-1252"), Some("utf-16")] {
            if let Ok(decoded) = text(&bytes, charset) {
                let _ = csv(&decoded, &ANY, 100);
                let _ = json(&decoded, &ANY, 100);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_import_bodies_never_get_a_5xx() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = admin_token();
    let mut rng = Rng(0xBAD_C5F);
    for round in 0..150 {
        let mut body = b"organisation_code;title;adopted_on\n".to_vec();
        body.extend(random_bytes(&mut rng));
        let kind = rng.pick(&[
            "signatures",
            "action-plans",
            "follow-ups",
            "programme-participations",
        ]);
        let media = rng.pick(&[
            "text/csv",
            "application/json",
            "text/csv; charset=windows-1252",
        ]);
        let response = app
            .client
            .post(app.url(&format!("/api/v1/imports/{kind}")))
            .bearer_auth(&admin)
            .header("content-type", media)
            .body(body)
            .send()
            .await
            .expect("the server answers");
        assert!(
            response.status().as_u16() < 500,
            "round {round}: {kind} {media} answered {}",
            response.status()
        );
    }
}
