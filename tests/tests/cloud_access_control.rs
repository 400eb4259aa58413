//! The cloud's access rules (docs/cloud-api.md, "Access rules"), tested as
//! an attacker would: plain HTTPS requests with a stolen, stale or
//! borrowed token against the reference cloud, none of the sync engine's
//! manners. One test per rule, named after it.
//!
//! The scene: two locks, the front door and the back gate; a host; Anna
//! with a resident key for the front door; Mallory, the attacker, with a
//! resident key for the back gate only.

use latchkey_protocol::{LockId, SigningKey};
use latchkey_sim::cloud::wire::{IssueKeyRequest, PinChangeRequest};
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::cloud::{cloud_for, register};
use latchkey_testkit::http::{Answer, CloudHttp};
use latchkey_testkit::{SimWorld, START};
use serde_json::{json, Value};

struct Scene {
    cloud: CloudServer,
    http: CloudHttp,
    front: LockId,
    back: LockId,
    host: String,
    anna: String,
    mallory: String,
    anna_key: String,
    _world: SimWorld,
    _dir: tempfile::TempDir,
}

fn key(lock_id: LockId, phone: &str, role: &str) -> IssueKeyRequest {
    IssueKeyRequest {
        lock_id,
        phone: phone.into(),
        role: role.into(),
        not_before: START - 60,
        not_after: START + 30 * 86_400,
        schedule: None,
        offline_allowed: true,
        label: format!("{phone}'s key"),
        cert_lifetime_s: None,
    }
}

async fn scene() -> Scene {
    let world = SimWorld::new(START).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cloud = cloud_for(&world, dir.path()).await.unwrap();
    let front = world.add_lock("Front door", LockConfig::default()).unwrap();
    let back = world.add_lock("Back gate", LockConfig::default()).unwrap();
    register(&cloud, &front).unwrap();
    register(&cloud, &back).unwrap();
    let token = |name: &str, host: bool| {
        let holder = SigningKey::generate().unwrap().public_key();
        cloud.register_phone(name, holder, host).unwrap().token
    };
    let (host, anna, mallory) = (token("host", true), token("anna", false), token("mallory", false));
    let anna_key = cloud
        .issue_key(&key(front.id(), "anna", "resident"))
        .unwrap()
        .key_id
        .to_hex();
    cloud.issue_key(&key(back.id(), "mallory", "resident")).unwrap();
    cloud
        .set_pin(
            &front.id(),
            &PinChangeRequest {
                slot: 3,
                digits: Some("482913".into()),
                label: Some("Cleaner".into()),
                ..PinChangeRequest::default()
            },
        )
        .unwrap();
    let http = CloudHttp::new(&cloud.base_url(), Some(cloud.ca_pem())).unwrap();
    Scene {
        http,
        front: front.id(),
        back: back.id(),
        cloud,
        host,
        anna,
        mallory,
        anna_key,
        _world: world,
        _dir: dir,
    }
}

impl Scene {
    async fn get(&self, path: &str, token: &str) -> Answer {
        self.http.get(path, Some(token)).await.unwrap()
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.http.post(path, Some(token), &body).await.unwrap()
    }

    async fn send(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> Answer {
        self.http.send(method, path, Some(token), body.as_ref()).await.unwrap()
    }
}

fn refused(answer: &Answer, status: u16, code: &str) {
    assert_eq!((answer.status, answer.code()), (status, code), "{answer:?}");
}

/// Rule: a phone sees only its own keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_sees_only_its_own_keys() {
    let s = scene().await;
    let keys = s.get("/v1/keys", &s.mallory).await;
    let ids: Vec<&str> = keys.body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "{keys:?}");
    assert!(!ids.contains(&s.anna_key.as_str()));
}

/// Rule: a phone can't renew another phone's key: the cloud answers as if
/// there were no such key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_renew_another_phones_key() {
    let s = scene().await;
    let path = format!("/v1/keys/{}/renew", s.anna_key);
    refused(&s.post(&path, &s.mallory, json!({})).await, 404, "not_found");
    assert_eq!(s.post(&path, &s.anna, json!({})).await.status, 200, "Anna still can");
}

/// Rule: a phone learns only the locks it holds an active key for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_learns_only_the_locks_it_holds_a_key_for() {
    let s = scene().await;
    let locks = s.get("/v1/locks", &s.mallory).await;
    let ids: Vec<&str> = locks.body["locks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lock_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [s.back.to_hex()]);
}

/// Rule: a phone can't read the revocation list of a lock it holds no key for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_read_the_revocation_list_of_a_lock_it_holds_no_key_for() {
    let s = scene().await;
    let path = format!("/v1/locks/{}/revocations", s.front);
    refused(&s.get(&path, &s.mallory).await, 403, "forbidden");
    assert_eq!(s.get(&path, &s.anna).await.status, 200);
}

/// Rule: a phone can't read the keypad PIN list of a lock it holds no key for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_read_the_pin_list_of_a_lock_it_holds_no_key_for() {
    let s = scene().await;
    let path = format!("/v1/locks/{}/pins", s.front);
    refused(&s.get(&path, &s.mallory).await, 403, "forbidden");
    let anna = s.get(&path, &s.anna).await;
    assert_eq!(
        (anna.status, &anna.body["secret"]),
        (200, &Value::Null),
        "a resident gets no PIN secret"
    );
}

/// Rule: a phone can't get a trusted-time token for a lock it holds no key for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_get_time_for_a_lock_it_holds_no_key_for() {
    let s = scene().await;
    let path = format!("/v1/locks/{}/time?nonce=00112233aabbccdd", s.front);
    refused(&s.get(&path, &s.mallory).await, 403, "forbidden");
}

/// Rule: acknowledgements for a lock the phone holds no key for are
/// ignored: a stranger can't make the host believe a lock got its lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_acknowledge_the_lists_of_a_lock_it_holds_no_key_for() {
    let s = scene().await;
    let seq = s
        .cloud
        .revoke_key(&latchkey_protocol::KeyId::from_hex(&s.anna_key).unwrap())
        .unwrap()
        .seq;
    let ack = json!({"acks": [{"lock_id": s.front.to_hex(), "seq": seq, "acknowledged_at": START}]});
    let answer = s.post("/v1/revocation-acks", &s.mallory, ack.clone()).await;
    assert_eq!(
        (answer.status, &answer.body["locks"]),
        (200, &json!([])),
        "nothing about that lock"
    );
    let answer = s
        .post(
            "/v1/pin-acks",
            &s.mallory,
            json!({"acks": [{"lock_id": s.front.to_hex(), "seq": 1, "acknowledged_at": START}]}),
        )
        .await;
    assert_eq!((answer.status, &answer.body["locks"]), (200, &json!([])));
    let front = s
        .cloud
        .drift()
        .unwrap()
        .into_iter()
        .find(|d| d.lock_id == s.front)
        .unwrap();
    assert_eq!(
        (front.lock_seq, front.in_sync),
        (0, false),
        "the drift still shows the lock behind"
    );
    assert_eq!(s.cloud.pin_drift().unwrap()[0].lock_seq, 0);
}

/// Rule: a phone whose key was revoked can't report the list that revokes
/// it as delivered (it would hide that the lock still lets it in).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_phone_cannot_report_its_revocation_as_delivered() {
    let s = scene().await;
    let seq = s
        .cloud
        .revoke_key(&latchkey_protocol::KeyId::from_hex(&s.anna_key).unwrap())
        .unwrap()
        .seq;
    let ack = json!({"acks": [{"lock_id": s.front.to_hex(), "seq": seq, "acknowledged_at": START}]});
    assert_eq!(
        s.post("/v1/revocation-acks", &s.anna, ack).await.body["locks"],
        json!([])
    );
    let front = s
        .cloud
        .drift()
        .unwrap()
        .into_iter()
        .find(|d| d.lock_id == s.front)
        .unwrap();
    assert!(!front.in_sync && front.reported_by.is_none(), "{front:?}");
}

fn attempt(id: &str, lock: &LockId) -> Value {
    json!({"id": id, "event": {"kind": "unlock_attempt", "lock_id": lock.to_hex(), "command": "unlock",
        "outcome": "ok", "fast_path": true, "started_at": START, "duration_ms": 60}})
}

/// Rule: a phone can't write events into the history of a lock it never
/// held a key for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_upload_events_for_a_lock_it_never_held_a_key_for() {
    let s = scene().await;
    let events = json!({"events": [attempt("01920000-0000-7000-8000-00000000000a", &s.front)]});
    let answer = s.post("/v1/events", &s.mallory, events).await;
    assert_eq!(answer.body["results"][0]["status"], "rejected", "{answer:?}");
    assert!(answer.body["results"][0]["reason"].as_str().unwrap().contains("no key"));
    assert!(s.cloud.received_events(Some(&s.front)).unwrap().is_empty());
}

/// Rule: a phone whose key was revoked still uploads what it saw at that
/// lock (the host wants a revoked guest's attempts in the history).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_whose_key_was_revoked_still_uploads_what_it_saw() {
    let s = scene().await;
    s.cloud
        .revoke_key(&latchkey_protocol::KeyId::from_hex(&s.anna_key).unwrap())
        .unwrap();
    let events = json!({"events": [attempt("01920000-0000-7000-8000-00000000000b", &s.front)]});
    let answer = s.post("/v1/events", &s.anna, events).await;
    assert_eq!(answer.body["results"][0]["status"], "stored", "{answer:?}");
}

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
