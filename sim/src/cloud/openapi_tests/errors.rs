//! The error body against error.rs: every error the cloud can answer is
//! documented with its status and code, and no documented code is one it
//! never answers; the cloud serves the document as it is; 404 and 405
//! carry the error body; every request body is an object.

use super::super::config::CloudConfig;
use super::super::error::ApiError;
use super::super::openapi::OPENAPI_JSON;
use super::super::router;
use super::super::state::Cloud;
use super::{codes, doc, operations, resolve, validator};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tower::ServiceExt;

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
