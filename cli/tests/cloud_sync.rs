//! `sync --cloud` against a reference cloud over TLS, the way a
//! technician prepares a phone store for a real lock: read the store's
//! public key (`keys`), have the cloud register it and issue a key, sync,
//! and the key is in the store.

mod support;

use latchkey_protocol::{LockId, PublicKey, SigningKey};
use latchkey_sim::cloud::wire::{IssueKeyRequest, LockInfo};
use latchkey_sim::cloud::{CloudConfig, CloudServer};
use serde_json::Value;
use support::json;

/// Runs the binary off the runtime that serves the cloud.
async fn latchkey_json(args: Vec<String>) -> Value {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json(&args)
    })
    .await
    .expect("the latchkey binary ran")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_fills_a_phone_store_from_the_cloud_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let cloud = CloudServer::start(CloudConfig::local(dir.path().join("cloud")))
        .await
        .unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, cloud.ca_pem()).unwrap();
    let store = dir.path().join("phone").display().to_string();

    let before = latchkey_json(vec!["keys".into(), "--json".into(), "--data-dir".into(), store.clone()]).await;
    assert_eq!(before["keys"], serde_json::json!([]), "{before}");
    let holder = latchkey_protocol::hex::decode(before["holder_key"].as_str().unwrap()).unwrap();
    let holder = PublicKey(holder.try_into().unwrap());

    let lock_id = LockId::random().unwrap();
    cloud
        .register_lock(&LockInfo {
            lock_id,
            name: "Workshop".into(),
            identity_key: SigningKey::generate().unwrap().public_key(),
            issuer_key: cloud.issuer_key(),
            utc_offset_min: 0,
            groups: Vec::new(),
        })
        .unwrap();
    let token = cloud.register_phone("technician", holder, false).unwrap().token;
    let now = u32::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    cloud
        .issue_key(&IssueKeyRequest {
            lock_id,
            phone: "technician".into(),
            role: "service".into(),
            not_before: now - 60,
            not_after: now + 86_400,
            schedule: None,
            offline_allowed: true,
            label: "Technician".into(),
            cert_lifetime_s: None,
        })
        .unwrap();

    let args = [
        "sync",
        "--json",
        "--cloud",
        &cloud.base_url(),
        "--token",
        &token,
        "--data-dir",
        &store,
    ];
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.extend(["--ca".to_string(), ca.display().to_string()]);
    let synced = latchkey_json(args).await;
    assert_eq!(synced["outcome"], "completed", "{synced}");
    assert_eq!(synced["keys_added"], 1, "{synced}");

    let after = latchkey_json(vec!["keys".into(), "--json".into(), "--data-dir".into(), store]).await;
    let keys = after["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1, "{after}");
    assert_eq!(keys[0]["lock_name"], "Workshop", "{after}");
    assert_eq!(keys[0]["offline_allowed"], true, "{after}");
    cloud.shutdown().await;
}
