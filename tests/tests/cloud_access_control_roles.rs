//! The cloud's access rules for roles and tokens (docs/cloud-api.md,
//! "Access rules"): what only a host may do, which tokens stop working,
//! and the admin routes, tested as an attacker would with plain HTTPS
//! requests. One test per rule, named after it; the scene is in
//! access_support/.

mod access_support;

use access_support::{refused, scene};
use latchkey_protocol::SigningKey;
use latchkey_testkit::START;
use serde_json::{json, Value};

/// Rule: only a host issues keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_host_cannot_issue_keys() {
    let s = scene().await;
    let own_lock = json!({"lock_id": s.back.to_hex(), "phone": "mallory", "role": "owner",
        "not_before": START, "not_after": START + 86_400});
    refused(
        &s.post("/v1/keys", &s.mallory, own_lock.clone()).await,
        403,
        "forbidden",
    );
    assert_eq!(s.post("/v1/keys", &s.host, own_lock).await.status, 201);
}

/// Rule: only a host revokes keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_host_cannot_revoke_keys() {
    let s = scene().await;
    let path = format!("/v1/keys/{}/revoke", s.anna_key);
    refused(&s.post(&path, &s.mallory, json!({})).await, 403, "forbidden");
    refused(&s.post(&path, &s.anna, json!({})).await, 403, "forbidden");
    let keys = s.get("/v1/keys", &s.anna).await;
    assert_eq!(keys.body["keys"][0]["status"], "active");
}

/// Rule: only a host creates, changes or deletes keypad PINs, even on a
/// lock the phone holds a key for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_host_cannot_change_pins() {
    let s = scene().await;
    let pins = format!("/v1/locks/{}/pins", s.back);
    refused(
        &s.post(&pins, &s.mallory, json!({"slot": 1, "digits": "1234"})).await,
        403,
        "forbidden",
    );
    let front = format!("/v1/locks/{}/pins/3", s.front);
    refused(&s.send("DELETE", &front, &s.anna, None).await, 403, "forbidden");
    assert_eq!(
        s.get(&format!("/v1/locks/{}/pins", s.front), &s.anna).await.body["seq"],
        1
    );
}

/// Rule: only a host reads credential and PIN drift.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_host_cannot_read_drift() {
    let s = scene().await;
    let one = format!("/v1/locks/{}/pin-drift", s.back);
    for path in ["/v1/drift", "/v1/pin-drift", one.as_str()] {
        refused(&s.get(path, &s.mallory).await, 403, "forbidden");
        assert_eq!(s.get(path, &s.host).await.status, 200, "{path}");
    }
}

/// Rule: a rotated token is refused from then on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_token_is_refused() {
    let s = scene().await;
    let fresh = s.cloud.rotate_token("mallory").unwrap().token;
    refused(&s.get("/v1/keys", &s.mallory).await, 401, "unauthorized");
    assert_eq!(s.get("/v1/keys", &fresh).await.status, 200);
}

/// Rule: registering a phone again refuses its old token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_re_registered_phones_old_token_is_refused() {
    let s = scene().await;
    let holder = SigningKey::generate().unwrap().public_key();
    let fresh = s.cloud.register_phone("mallory", holder, false).unwrap().token;
    refused(&s.get("/v1/keys", &s.mallory).await, 401, "unauthorized");
    assert_eq!(s.get("/v1/keys", &fresh).await.status, 200);
}

/// Rule: a removed (revoked) phone's token is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_phones_token_is_refused() {
    let s = scene().await;
    let admin = s.cloud.admin_token().to_string();
    assert_eq!(
        s.send("DELETE", "/admin/phones/mallory", &admin, None).await.status,
        204
    );
    refused(&s.get("/v1/keys", &s.mallory).await, 401, "unauthorized");
    refused(
        &s.send("DELETE", "/admin/phones/mallory", &admin, None).await,
        404,
        "not_found",
    );
}

/// Rule: the admin routes refuse every phone's token, a host's included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_routes_refuse_phone_tokens() {
    let s = scene().await;
    let routes = [
        ("GET", "/admin/issuer", None),
        ("POST", "/admin/locks", Some(json!({}))),
        (
            "POST",
            "/admin/phones",
            Some(json!({"name": "eve", "holder_key": "ab".repeat(64), "host": true})),
        ),
        ("DELETE", "/admin/phones/anna", None),
        ("POST", "/admin/phones/anna/token", None),
        ("GET", "/admin/events", None),
        ("GET", "/admin/chaos", None),
        ("PUT", "/admin/chaos", Some(json!({"unavailable": 1.0}))),
    ];
    for token in [&s.host, &s.mallory] {
        for (method, path, body) in &routes {
            refused(&s.send(method, path, token, body.clone()).await, 401, "unauthorized");
        }
    }
    assert_eq!(s.get("/v1/keys", &s.anna).await.status, 200, "Anna untouched");
}

/// Rule: a refusal reaches the caller whole, even for a large body: the
/// cloud reads the request before it answers, so an upload with a stale
/// token gets its 401 (which sends the phone to its sign-in), not a
/// connection torn down in mid-request (which it would retry forever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_request_with_a_stale_token_gets_its_401() {
    let s = scene().await;
    let events: Vec<Value> = (0..900)
        .map(|i| json!({"id": format!("01920000-0000-7000-8000-{i:012x}"), "event": {"kind": "failure", "detail": "x".repeat(900)}}))
        .collect();
    for _ in 0..5 {
        refused(
            &s.post("/v1/events", "stale-token", json!({"events": events})).await,
            401,
            "unauthorized",
        );
        refused(
            &s.post("/v1/keys", &s.mallory, json!({"pad": "y".repeat(900_000)}))
                .await,
            403,
            "forbidden",
        );
    }
}

/// Rule: the phone routes refuse a request without a phone's token (none,
/// an unknown one, or the admin token).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_routes_refuse_requests_without_a_phone_token() {
    let s = scene().await;
    let admin = s.cloud.admin_token().to_string();
    let revocations = format!("/v1/locks/{}/revocations", s.back);
    for path in ["/v1/locks", "/v1/keys", "/v1/drift", revocations.as_str()] {
        refused(&s.http.get(path, None).await.unwrap(), 401, "unauthorized");
        refused(&s.get(path, "0123").await, 401, "unauthorized");
        refused(&s.get(path, &admin).await, 401, "unauthorized");
    }
}
