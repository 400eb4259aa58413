//! The cloud's access rules for a lock's life (docs/cloud-api.md, "Access
//! rules"), tested as an attacker would: who gets what claiming a lock
//! installs, who registers a claimed lock and with what proof, who hosts
//! firmware. One test per rule; the scene is in access_support/.

mod access_support;

use access_support::{refused, scene, Scene};
use latchkey_protocol::{hex, ClaimReceipt, PublicKey, SigningKey};
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::bench::claim_on_bench;
use latchkey_testkit::{SimWorld, START};
use serde_json::{json, Value};

/// A new lock claimed on the bench for the scene's authority, and the
/// `lock_claimed` event a phone would upload for it.
fn claimed_lock(s: &Scene, world: &SimWorld, identity: Option<PublicKey>) -> (String, Value) {
    let handle = world.add_new_lock("Shed", LockConfig::default()).unwrap();
    let receipt: ClaimReceipt = claim_on_bench(&mut handle.lock(), &s.authority(), START).unwrap();
    let identity = identity.unwrap_or(handle.meta.identity_key);
    let event = json!({"kind": "lock_claimed", "lock_id": handle.id().to_hex(), "name": "Shed",
        "identity_key": hex::encode(&identity.0), "utc_offset_min": 0, "groups": [],
        "receipt": hex::encode(&receipt.encode()), "at": START});
    (handle.id().to_hex(), event)
}

fn upload(id: &str, event: Value) -> Value {
    json!({"events": [{"id": id, "event": event}]})
}

/// Rule: only a host gets what claiming a lock installs (the issuer key
/// and the lock's PIN secret).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_host_gets_what_claiming_a_lock_installs() {
    let s = scene().await;
    let path = format!("/v1/locks/{}/commissioning", s.front);
    refused(&s.get(&path, &s.mallory).await, 403, "forbidden");
    refused(&s.get(&path, &s.anna).await, 403, "forbidden");
    let host = s.get(&path, &s.host).await;
    assert_eq!(host.status, 200, "{host:?}");
    assert_eq!(host.body["pin_secret"].as_str().map(str::len), Some(64));
}

/// Rule: only a host's phone registers a lock it claimed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_host_registers_a_lock_it_claimed() {
    let s = scene().await;
    let world = SimWorld::new(START).unwrap();
    let (lock, event) = claimed_lock(&s, &world, None);
    let id = "0192f0e0-0000-7000-8000-000000000001";
    let mallory = s.post("/v1/events", &s.mallory, upload(id, event.clone())).await;
    assert_eq!(mallory.body["results"][0]["status"], "rejected", "{mallory:?}");
    assert!(s.cloud.drift().unwrap().iter().all(|d| d.lock_id.to_hex() != lock));
    let host = s.post("/v1/events", &s.host, upload(id, event)).await;
    assert_eq!(host.body["results"][0]["status"], "stored", "{host:?}");
    assert!(s.cloud.drift().unwrap().iter().any(|d| d.lock_id.to_hex() == lock));
}

/// Rule: a claim registers a lock only with a receipt signed by the
/// identity key it names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_registers_nothing_without_a_receipt_the_named_key_signed() {
    let s = scene().await;
    let world = SimWorld::new(START).unwrap();
    let impostor = SigningKey::generate().unwrap().public_key();
    let (lock, event) = claimed_lock(&s, &world, Some(impostor));
    let answer = s
        .post(
            "/v1/events",
            &s.host,
            upload("0192f0e0-0000-7000-8000-000000000002", event),
        )
        .await;
    assert_eq!(answer.body["results"][0]["status"], "rejected", "{answer:?}");
    assert!(s.cloud.drift().unwrap().iter().all(|d| d.lock_id.to_hex() != lock));
}

/// Rule: a claim can't change the identity key of a registered lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_cannot_replace_a_registered_locks_identity_key() {
    let s = scene().await;
    // A counterfeit lock answering to the front door's id, claimed for
    // the same account: its receipt is genuine, its identity key another.
    let clock = latchkey_sim::VirtualClock::starting_at(START);
    let secret = latchkey_protocol::SetupSecret([7; 16]);
    let identity = SigningKey::generate().unwrap();
    let counterfeit_key = identity.public_key();
    let mut counterfeit =
        latchkey_sim::lock::SimLock::factory_new(identity, s.front, secret, clock, LockConfig::default()).unwrap();
    let receipt = claim_on_bench(&mut counterfeit, &s.authority(), START).unwrap();
    let event = json!({"kind": "lock_claimed", "lock_id": s.front.to_hex(), "name": "Front door",
        "identity_key": hex::encode(&counterfeit_key.0), "utc_offset_min": 0, "groups": [],
        "receipt": hex::encode(&receipt.encode()), "at": START});
    let answer = s
        .post(
            "/v1/events",
            &s.host,
            upload("0192f0e0-0000-7000-8000-000000000003", event),
        )
        .await;
    assert_eq!(answer.body["results"][0]["status"], "rejected", "{answer:?}");
}

/// Rule: only the operator hosts firmware; phones fetch it with a token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_operator_hosts_firmware_and_phones_fetch_it_with_a_token() {
    let s = scene().await;
    let body = json!({"manifest": "01", "image": "00"});
    refused(&s.post("/admin/firmware", &s.host, body).await, 401, "unauthorized");
    let anonymous = s.http.get("/v1/firmware/1", None).await.unwrap();
    refused(&anonymous, 401, "unauthorized");
    let mallory = s.get("/v1/firmware/1", &s.mallory).await;
    assert_eq!((mallory.status, &mallory.body["release"]), (200, &Value::Null));
}
