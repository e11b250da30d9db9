//! Requests generated from the document alone: a valid request per operation (path
//! parameters from their examples), then one parameter at a time its documented values,
//! its boundaries, just past them, the wrong type and hostile text; credentials missing
//! or forged where the operation is secured; a body of an undocumented media type.

use crate::helpers::admin_token;
use reqwest::Method;
use serde_json::Value;

/// What the document says the answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A 2xx: every input in the case is valid.
    Success,
    /// Exactly this status.
    Status(u16),
    /// Anything the operation documents, never a 5xx.
    Documented,
}

/// One generated request.
#[derive(Debug, Clone)]
pub struct Case {
    pub label: String,
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<(String, Vec<u8>)>,
    pub expect: Expect,
    pub operation: Value,
}

/// Text no parameter should choke on.
const HOSTILE: [&str; 4] = [
    "\u{0}",
    "'; DROP TABLE organisation; --",
    "%%%",
    "ååååååååååååååååååååååååååååååååååååååååååååååååååååååååååå",
];

pub fn generate(document: &Value) -> Vec<Case> {
    let mut cases = Vec::new();
    for (template, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            cases.extend(for_operation(template, method, operation));
        }
    }
    cases
}

fn for_operation(template: &str, method: Method, operation: &Value) -> Vec<Case> {
    let parameters: Vec<&Value> = operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let mut path = template.to_owned();
    for p in parameters.iter().filter(|p| p["in"] == "path") {
        let example = example_of(p)
            .unwrap_or_else(|| panic!("{template}: path parameter {} has no example", p["name"]));
        path = path.replace(
            &format!("{{{}}}", p["name"].as_str().unwrap_or_default()),
            &example,
        );
    }
    let secured = operation["security"]
        .as_array()
        .is_some_and(|s| !s.is_empty());
    let base = Case {
        label: format!("{method} {path}"),
        method: method.clone(),
        path,
        query: Vec::new(),
        headers: if secured {
            vec![("authorization".into(), format!("Bearer {}", admin_token()))]
        } else {
            Vec::new()
        },
        // The documented example where there is one (a registration), else an empty
        // list (an import).
        body: operation.get("requestBody").map(|body| {
            let example = &body["content"]["application/json"]["example"];
            let bytes = if example.is_null() {
                b"[]".to_vec()
            } else {
                example.to_string().into_bytes()
            };
            ("application/json".to_owned(), bytes)
        }),
        expect: Expect::Success,
        operation: operation.clone(),
    };
    let mut cases = vec![base.clone()];
    let with = |label: String, expect: Expect, change: &dyn Fn(&mut Case)| {
        let mut case = base.clone();
        case.label = format!("{} {label}", base.label);
        case.expect = expect;
        change(&mut case);
        case
    };

    if secured {
        cases.push(with("without a token".into(), Expect::Status(401), &|c| {
            c.headers.clear()
        }));
        cases.push(with(
            "with a forged token".into(),
            Expect::Status(401),
            &|c| {
                c.headers = vec![("authorization".into(), "Bearer cemr_forged".into())];
            },
        ));
    }
    if base.body.is_some() {
        cases.push(with("with an XML body".into(), Expect::Documented, &|c| {
            c.body = Some(("application/xml".into(), b"<rows/>".to_vec()));
        }));
    }
    for p in parameters.iter().filter(|p| p["in"] == "path") {
        let name = p["name"].as_str().unwrap_or_default();
        let placeholder = format!("{{{name}}}");
        let absent = if p["schema"]["type"] == "integer" {
            "2147483647"
        } else {
            "does-not-exist"
        };
        let not_found = if operation["responses"].get("404").is_some() {
            Expect::Status(404)
        } else {
            Expect::Documented
        };
        let mut values = vec![(absent.to_owned(), not_found)];
        if p["schema"]["type"] == "integer" {
            values.push(("abc".into(), Expect::Status(400)));
            values.push(("99999999999".into(), Expect::Status(400)));
        }
        values.extend(
            HOSTILE
                .iter()
                .map(|h| ((*h).to_owned(), Expect::Documented)),
        );
        for (value, expect) in values {
            let concrete = template.replace(&placeholder, &encode(&value));
            let mut case = with(format!("{name}={value:?}"), expect, &|_| {});
            // Other path parameters keep their examples.
            case.path = parameters
                .iter()
                .filter(|q| q["in"] == "path" && q["name"] != name)
                .fold(concrete, |path, q| {
                    path.replace(
                        &format!("{{{}}}", q["name"].as_str().unwrap_or_default()),
                        &example_of(q).unwrap_or_default(),
                    )
                });
            cases.push(case);
        }
    }
    for p in parameters.iter().filter(|p| p["in"] == "query") {
        let name = p["name"].as_str().unwrap_or_default().to_owned();
        for (value, expect) in query_values(p) {
            let (n, v) = (name.clone(), value.clone());
            cases.push(with(format!("?{name}={value:?}"), expect, &move |c| {
                c.query.push((n.clone(), v.clone()));
            }));
        }
    }
    for p in parameters.iter().filter(|p| p["in"] == "header") {
        let name = p["name"].as_str().unwrap_or_default().to_lowercase();
        if let Some(example) = example_of(p) {
            let (n, v) = (name.clone(), example.clone());
            // A write already made by the plain case (a delete, a versioned change, a
            // resume) cannot succeed twice: its second answer need only be documented.
            let expect = if method == "GET" {
                Expect::Success
            } else {
                Expect::Documented
            };
            cases.push(with(format!("{name}: {example:?}"), expect, &move |c| {
                c.headers.push((n.clone(), v.clone()));
            }));
        }
        for hostile in ["", &"x".repeat(300)] {
            let (n, v) = (name.clone(), hostile.to_owned());
            cases.push(with(
                format!("{name}: {} chars", hostile.len()),
                Expect::Documented,
                &move |c| {
                    c.headers.push((n.clone(), v.clone()));
                },
            ));
        }
    }
    cases
}

/// A query parameter's documented values (must succeed), the values just past its
/// constraints and of the wrong type (must be 400), and hostile text (documented status).
fn query_values(parameter: &Value) -> Vec<(String, Expect)> {
    let schema = resolve_nullable(&parameter["schema"]);
    let mut values = Vec::new();
    let bad = Expect::Status(400);
    if let Some(members) = schema["enum"].as_array() {
        values.extend(
            members
                .iter()
                .filter_map(Value::as_str)
                .map(|m| (m.to_owned(), Expect::Success)),
        );
        values.push(("bogus".into(), bad));
    } else {
        match types(schema).as_slice() {
            t if t.contains(&"integer") => {
                let min = schema["minimum"].as_i64();
                let max = schema["maximum"].as_i64();
                for bound in [min, max].into_iter().flatten() {
                    values.push((bound.to_string(), Expect::Success));
                }
                if let Some(min) = min {
                    values.push(((min - 1).to_string(), bad));
                }
                if let Some(max) = max {
                    values.push(((max + 1).to_string(), bad));
                }
                if min.is_none() && max.is_none() {
                    values.push(("2014".into(), Expect::Success));
                }
                values.push(("abc".into(), bad));
                values.push(("1.5".into(), bad));
                values.push(("99999999999".into(), bad));
            }
            t if t.contains(&"boolean") => {
                values.push(("true".into(), Expect::Success));
                values.push(("false".into(), Expect::Success));
                values.push(("maybe".into(), bad));
            }
            t if t.contains(&"string") && schema["format"] == "date-time" => {
                values.push(("2020-01-01T00:00:00Z".into(), Expect::Success));
                values.push(("2020-01-01T00:00:00+01:00".into(), Expect::Success));
                values.push(("yesterday".into(), bad));
            }
            _ => {
                if let Some(example) = example_of(parameter) {
                    values.push((example, Expect::Success));
                }
                values.extend(
                    HOSTILE
                        .iter()
                        .map(|h| ((*h).to_owned(), Expect::Documented)),
                );
            }
        }
    }
    values
}

/// `Option<T>` is documented as `oneOf [null, T]` or `type: [T, null]`.
fn resolve_nullable(schema: &Value) -> &Value {
    schema["oneOf"]
        .as_array()
        .and_then(|one| one.iter().find(|s| s["type"] != "null"))
        .unwrap_or(schema)
}

fn types(schema: &Value) -> Vec<&str> {
    match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn example_of(parameter: &Value) -> Option<String> {
    let example = parameter
        .get("example")
        .or_else(|| parameter["schema"].get("example"))
        .or_else(|| parameter["schema"]["examples"].get(0))?;
    Some(match example {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
