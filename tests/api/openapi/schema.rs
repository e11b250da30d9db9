//! The part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) the document relies on,
//! enough to check that an answer is what its schema promises: references, types,
//! required and undocumented properties, enums, bounds and date formats.

use serde_json::Value;

/// Every way `value` breaks `schema`; empty when it conforms. `document` resolves `$ref`.
pub fn violations(document: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut found = Vec::new();
    check(document, schema, value, at, &mut found);
    found
}

fn check(document: &Value, schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        match document.pointer(reference.trim_start_matches('#')) {
            Some(target) => check(document, target, value, at, found),
            None => found.push(format!("{at}: unresolvable {reference}")),
        }
        return;
    }
    let matches = |s: &Value| violations(document, s, value, at).is_empty();
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            check(document, s, value, at, found);
        }
    }
    if let Some(any) = schema["anyOf"].as_array()
        && !any.iter().any(matches)
    {
        found.push(format!("{at}: matches none of anyOf: {value}"));
    }
    if let Some(one) = schema["oneOf"].as_array() {
        let n = one.iter().filter(|s| matches(s)).count();
        if n != 1 {
            found.push(format!("{at}: matches {n} of oneOf: {value}"));
        }
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        found.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if !type_matches(&schema["type"], value) {
        found.push(format!("{at}: {value} is not of type {}", schema["type"]));
        return;
    }
    match value {
        Value::Object(map) => {
            let properties = schema["properties"].as_object();
            for name in schema["required"].as_array().into_iter().flatten() {
                if let Some(name) = name.as_str()
                    && !map.contains_key(name)
                {
                    found.push(format!("{at}: required `{name}` is missing"));
                }
            }
            for (name, item) in map {
                match properties.and_then(|p| p.get(name)) {
                    Some(s) => check(document, s, item, &format!("{at}.{name}"), found),
                    None if properties.is_some()
                        && !schema
                            .get("additionalProperties")
                            .is_some_and(|a| a != false) =>
                    {
                        found.push(format!("{at}: `{name}` is not documented"));
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(document, s, item, &format!("{at}[{i}]"), found);
                }
            }
        }
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            if schema["minimum"].as_f64().is_some_and(|min| n < min)
                || schema["maximum"].as_f64().is_some_and(|max| n > max)
            {
                found.push(format!("{at}: {n} is out of the documented range"));
            }
        }
        Value::String(s) => {
            let ok = match schema["format"].as_str() {
                Some("date-time") => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
                Some("date") => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
                _ => true,
            };
            if !ok {
                found.push(format!("{at}: {s:?} is not a {}", schema["format"]));
            }
        }
        _ => {}
    }
}

fn type_matches(declared: &Value, value: &Value) -> bool {
    let one = |t: &str| match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        _ => true,
    };
    match declared {
        Value::String(t) => one(t),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}
