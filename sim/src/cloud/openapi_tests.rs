//! docs/openapi.json against the code, so the document can't drift from
//! the reference cloud: every route the router serves is in the document
//! with the same method and every documented operation is served; the
//! conventions hold on every operation (401 everywhere, 429/500/503 on
//! the phone routes, 400 and 413 wherever a body is read); the error body
//! and each status's codes match error.rs; the document is what
//! `GET /openapi.json` serves, and the 404 and 405 answers carry the error
//! body. The wire types are checked against their schemas in
//! openapi_wire_tests.rs.

use super::config::CloudConfig;
use super::error::ApiError;
use super::openapi::OPENAPI_JSON;
use super::router;
use super::state::Cloud;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tower::ServiceExt;

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
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
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
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} points nowhere")),
        None => value,
    }
}

/// The codes a documented error response allows.
fn codes(doc: &Value, response: &Value) -> BTreeSet<String> {
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

/// Every error the cloud can answer with.
fn every_api_error() -> Vec<ApiError> {
    vec![
        ApiError::bad_request("x"),
        ApiError::unauthorized("x"),
        ApiError::token_expired(),
        ApiError::forbidden("x"),
        ApiError::not_found("x"),
        ApiError::method_not_allowed(),
        ApiError::key_revoked(),
        ApiError::key_expired(),
        ApiError::too_large("x"),
        ApiError::rate_limited(30),
        ApiError::internal("x"),
        ApiError::unavailable(None),
        ApiError::unavailable(Some(5)),
    ]
}

/// Status → the codes the document allows with it, over every operation
/// (405 from its component: no operation lists another method's answer).
fn documented_codes(doc: &Value) -> BTreeMap<u16, BTreeSet<String>> {
    let mut out: BTreeMap<u16, BTreeSet<String>> = BTreeMap::new();
    for (_, _, op) in operations(doc) {
        for (status, response) in op["responses"].as_object().expect("responses") {
            if !status.starts_with('2') {
                let status: u16 = status.parse().expect("a numeric status");
                out.entry(status).or_default().extend(codes(doc, response));
            }
        }
    }
    let not_allowed = json!({"$ref": "#/components/responses/MethodNotAllowed"});
    out.insert(405, codes(doc, &not_allowed));
    out
}

#[tokio::test]
async fn every_error_code_is_documented_with_its_status_and_body() {
    let doc = doc();
    let documented = documented_codes(&doc);
    let body_schema = validator(&json!({"$ref": "#/components/schemas/ErrorBody"}));
    let mut produced: BTreeMap<u16, BTreeSet<String>> = BTreeMap::new();
    for error in every_api_error() {
        let (status, code, retry_after) = (error.status.as_u16(), error.code, error.retry_after);
        let allowed = documented.get(&status).cloned().unwrap_or_default();
        assert!(allowed.contains(code), "{status} {code} is not in docs/openapi.json");
        produced.entry(status).or_default().insert(code.to_string());
        let response = error.into_response();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let header = response.headers().get(header::RETRY_AFTER).cloned();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("a body");
        let body: Value = serde_json::from_slice(&bytes).expect("a JSON body");
        assert!(body_schema.is_valid(&body), "{body} is not an ErrorBody");
        assert_eq!(body["retry_after"].as_u64(), retry_after);
        assert_eq!(
            header.is_some(),
            retry_after.is_some(),
            "{status}: Retry-After header and field"
        );
    }
    assert_eq!(
        produced, documented,
        "codes documented that the cloud never answers, or the reverse"
    );
    let limited = &doc["components"]["responses"]["RateLimited"]["headers"]["Retry-After"];
    assert_eq!(
        resolve(&doc, limited)["required"],
        true,
        "a 429 always says how long to wait"
    );
}

/// Removed when dropped.
struct ScratchDir(std::path::PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn answer(app: &axum::Router, method: &str, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    send(
        app,
        Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .expect("a request"),
    )
    .await
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("an answer");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 22).await.expect("a body");
    (parts.status, parts.headers, bytes.to_vec())
}

fn cloud() -> (Arc<Cloud>, ScratchDir) {
    let nonce = latchkey_protocol::crypto::random_array::<8>().expect("randomness");
    let dir = ScratchDir(std::env::temp_dir().join(format!(
        "latchkey-openapi-test-{}",
        latchkey_protocol::hex::encode(&nonce)
    )));
    (
        Arc::new(Cloud::open(&CloudConfig::local(&dir.0)).expect("a cloud")),
        dir,
    )
}

#[tokio::test]
async fn every_body_is_an_object_even_where_every_field_has_a_default() {
    let (cloud, _dir) = cloud();
    let token = format!("Bearer {}", cloud.admin_token());
    let app = router::router(cloud);
    // serde fills a struct from an array too: `[]` would be "no faults".
    for body in ["[]", "[7]", " \"x\"", ""] {
        let request = Request::builder()
            .method("PUT")
            .uri("/admin/chaos")
            .header(header::AUTHORIZATION, &token);
        let (status, _, bytes) = send(&app, request.body(Body::from(body)).expect("a request")).await;
        let error: Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(
            (status, &error["code"]),
            (StatusCode::BAD_REQUEST, &json!("bad_request")),
            "{body:?}"
        );
    }
}

#[tokio::test]
async fn the_cloud_serves_the_document_and_answers_404_and_405_with_the_error_body() {
    let (cloud, _dir) = cloud();
    let app = router::router(cloud);
    let (status, _, body) = answer(&app, "GET", "/openapi.json").await;
    assert_eq!(status, StatusCode::OK, "no token needed");
    assert_eq!(body, OPENAPI_JSON.as_bytes());

    let error = validator(&json!({"$ref": "#/components/schemas/ErrorBody"}));
    let (status, _, body) = answer(&app, "GET", "/v2/nothing").await;
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!((status, &body["code"]), (StatusCode::NOT_FOUND, &json!("not_found")));
    assert!(error.is_valid(&body));

    let (status, headers, body) = answer(&app, "PATCH", "/v1/keys").await;
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["code"], "method_not_allowed");
    assert!(error.is_valid(&body));
    let allow = headers[header::ALLOW].to_str().unwrap_or_default().to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "Allow: {allow}");
}
