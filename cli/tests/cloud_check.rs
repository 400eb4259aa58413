//! `latchkey cloud-check` against the reference cloud, the way a vendor
//! runs it against theirs: with the operator's token every check passes
//! and none is skipped; with only a phone's token and store (and a host's
//! token) the checks that need the cloud's cooperation say so and the rest
//! pass; without credentials it is a usage error.

mod support;

use latchkey_protocol::{PublicKey, SigningKey};
use latchkey_sim::cloud::wire::{IssueKeyRequest, LockInfo};
use latchkey_sim::cloud::{CloudConfig, CloudServer};
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};
use support::{json, latchkey, parse};

/// Every check, in the order the kit runs them with admin access.
const CHECKS: [&str; 18] = [
    "keys.issue",
    "credentials",
    "time.at_door",
    "door.visit",
    "upload",
    "upload.recollected",
    "upload.lost_answer",
    "upload.too_large",
    "keys.renewal",
    "revocation",
    "revocation.delivered",
    "pins",
    "pins.delivered",
    "auth.refresh",
    "auth.refused",
    "busy.rate_limited",
    "busy.unavailable",
    "not_found",
];

async fn cloud(dir: &std::path::Path) -> (CloudServer, String) {
    let cloud = CloudServer::start(CloudConfig::local(dir.join("cloud"))).await.unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, cloud.ca_pem()).unwrap();
    (cloud, ca.display().to_string())
}

/// Runs `latchkey ARGS` off the async threads (the cloud answers on
/// them); its JSON report, and whether it exited 0.
async fn check(args: Vec<String>) -> (Value, bool) {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = latchkey(&args);
        (parse(&args, &run), run.get_output().status.success())
    })
    .await
    .unwrap()
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_admin_token_every_check_passes_against_the_reference_cloud() {
    let tmp = tempfile::tempdir().unwrap();
    let (cloud, ca) = cloud(tmp.path()).await;
    let args = [
        "cloud-check",
        "--url",
        &cloud.base_url(),
        "--ca",
        &ca,
        "--admin-token",
        cloud.admin_token(),
        "--json",
    ];
    let (report, success) = check(args.iter().map(|a| a.to_string()).collect()).await;
    assert!(success, "{report:#}");
    let all_passed: Vec<(String, String)> = CHECKS.iter().map(|c| (c.to_string(), "pass".to_string())).collect();
    assert_eq!(statuses(&report), all_passed, "{report:#}");
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(18), Some(0))
    );
    let faults = cloud.chaos_stats();
    let injected = faults.unavailable + faults.rate_limited + faults.dropped_after_commit + faults.unauthorized;
    assert_eq!(
        injected, 0,
        "the chaos switches were turned off after their checks: {faults:?}"
    );
    cloud.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_phone_and_a_host_token_the_checks_needing_the_operator_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let (cloud, ca) = cloud(tmp.path()).await;
    let store = tmp.path().join("phone").display().to_string();
    let keys = json(&["keys", "--data-dir", &store, "--json"]);
    let holder = latchkey_protocol::hex::decode(keys["holder_key"].as_str().unwrap()).unwrap();
    let holder = PublicKey(holder.try_into().unwrap());
    let token = cloud.register_phone("vendor-phone", holder, false).unwrap().token;
    let host_key = SigningKey::generate().unwrap().public_key();
    let host = cloud.register_phone("vendor-host", host_key, true).unwrap().token;
    let lock_id = latchkey_protocol::LockId::random().unwrap();
    cloud
        .register_lock(&LockInfo {
            lock_id,
            name: "Vendor door".into(),
            identity_key: SigningKey::generate().unwrap().public_key(),
            issuer_key: cloud.issuer_key(),
            utc_offset_min: 60,
            groups: vec![],
        })
        .unwrap();
    let now = u32::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap();
    cloud
        .issue_key(&IssueKeyRequest {
            lock_id,
            phone: "vendor-phone".into(),
            role: "resident".into(),
            not_before: now - 60,
            not_after: now + 10 * 86_400,
            schedule: None,
            offline_allowed: true,
            label: "home".into(),
            cert_lifetime_s: None,
        })
        .unwrap();
    let url = cloud.base_url();
    let args = [
        "cloud-check",
        "--url",
        &url,
        "--ca",
        &ca,
        "--token",
        &token,
        "--data-dir",
        &store,
        "--host-token",
        &host,
        "--phone-name",
        "vendor-phone",
        "--json",
    ];
    let (run, success) = check(args.iter().map(|a| a.to_string()).collect()).await;
    assert!(success, "{run:#}");
    let skipped: Vec<String> = statuses(&run)
        .into_iter()
        .filter(|(_, s)| s == "skip")
        .map(|(n, _)| n)
        .collect();
    let needs_operator = [
        "door.visit",
        "upload.recollected",
        "upload.lost_answer",
        "revocation.delivered",
        "pins.delivered",
        "busy.rate_limited",
        "busy.unavailable",
    ];
    assert_eq!(skipped, needs_operator, "{run:#}");
    assert_eq!(
        (run["passed"].as_u64(), run["failed"].as_u64()),
        (Some(11), Some(0)),
        "{run:#}"
    );
    cloud.shutdown().await;
}

#[test]
fn without_credentials_it_is_a_usage_error() {
    let run = latchkey(&["cloud-check", "--url", "https://127.0.0.1:9", "--json"]).code(2);
    let out = parse(&[], &run);
    assert_eq!(out["error"]["code"], "usage");
}
