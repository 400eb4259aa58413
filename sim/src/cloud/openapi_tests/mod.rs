//! docs/openapi.json against the code, so the document can't drift from
//! the reference cloud: every route the router serves is in the document
//! with the same method and every documented operation is served, and the
//! conventions hold on every operation (401 everywhere, 429/500/503 on
//! the phone routes, 400 and 413 wherever a body is read). errors.rs holds
//! the error bodies and what the cloud serves; wire.rs and bodies.rs the
//! wire types against their schemas.

mod bodies;
mod errors;
mod wire;

use super::openapi::OPENAPI_JSON;
use super::router;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// The document, parsed.
pub(super) fn doc() -> Value {
    serde_json::from_str(OPENAPI_JSON).expect("docs/openapi.json is JSON")
}

/// A validator for `schema`, whose references resolve within the document
/// (an OpenAPI 3.1 schema is a JSON Schema 2020-12 one).
pub(super) fn validator(schema: &Value) -> jsonschema::Validator {
    let mut root = doc();
    root["allOf"] = json!([schema]);
    jsonschema::draft202012::new(&root).unwrap_or_else(|e| panic!("schema {schema}: {e}"))
}

/// Every operation: (method, path, operation object).
pub(super) fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

/// The component a `$ref` names, or the value itself.
pub(super) fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} points nowhere")),
        None => value,
    }
}

/// The codes a documented error response allows.
pub(super) fn codes(doc: &Value, response: &Value) -> BTreeSet<String> {
    let schema = &resolve(doc, response)["content"]["application/json"]["schema"];
    assert_eq!(
        schema["allOf"][0]["$ref"], "#/components/schemas/ErrorBody",
        "{response}"
    );
    let codes = schema["allOf"][1]["properties"]["code"]["enum"]
        .as_array()
        .expect("codes");
    codes
        .iter()
        .map(|c| c.as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn every_route_is_documented_with_its_method_and_every_documented_operation_is_served() {
    let (_, table) = router::routes().into_parts();
    let served: BTreeSet<(String, String)> = table
        .iter()
        .map(|(m, p)| (m.as_str().to_string(), p.to_string()))
        .collect();
    assert_eq!(served.len(), table.len(), "a route is registered twice: {table:?}");
    let documented: BTreeSet<(String, String)> = operations(&doc()).into_iter().map(|(m, p, _)| (m, p)).collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in docs/openapi.json: {undocumented:?}"
    );
    assert!(unserved.is_empty(), "in docs/openapi.json but not served: {unserved:?}");
}

#[test]
fn every_operation_follows_the_conventions() {
    let doc = doc();
    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_default().to_string();
        assert!(ids.insert(id), "{method} {path}: a missing or repeated operationId");
        let responses = op["responses"].as_object().expect("responses");
        let has = |status: &str| responses.contains_key(status);
        let want = |statuses: &[&str], why: &str| {
            for s in statuses {
                assert!(has(s), "{method} {path} does not list {s} ({why})");
            }
        };
        if path == "/openapi.json" {
            assert_eq!(op["security"], json!([]), "the document needs no token");
            continue;
        }
        want(&["401"], "every call takes a token");
        if path.starts_with("/v1/") {
            want(&["429", "500", "503"], "any phone call may be throttled or fail");
            assert_eq!(op["security"], json!([{"phoneToken": []}]), "{method} {path}");
        } else {
            assert!(
                !has("429") && !has("503"),
                "{method} {path}: admin calls are never subject to chaos"
            );
            assert_eq!(op["security"], json!([{"adminToken": []}]), "{method} {path}");
        }
        if op.get("requestBody").is_some() {
            want(&["400", "413"], "a body is read");
        }
        if path.contains('{') {
            want(&["400"], "a path segment may not decode");
        }
        let successes = responses.keys().filter(|s| s.starts_with('2')).count();
        assert_eq!(successes, 1, "{method} {path}: one success status");
        for (status, response) in responses.iter().filter(|(s, _)| !s.starts_with('2')) {
            assert!(!codes(&doc, response).is_empty(), "{method} {path} {status}");
        }
    }
}
