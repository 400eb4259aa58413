//! The cloud's access rules for what a phone may reach (docs/cloud-api.md,
//! "Access rules"), tested as an attacker would: plain HTTPS requests with
//! a stolen or borrowed token against the reference cloud. One test per
//! rule, named after it; the scene is in access_support/.

mod access_support;

use access_support::{attempt, refused, scene};
use latchkey_testkit::START;
use serde_json::{json, Value};

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
