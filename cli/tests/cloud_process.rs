//! `latchkey cloud --port P --data-dir D` as its own process, the way the
//! demo, the Kotlin tests and a technician run it: it prints where it
//! listens and where its test CA and admin token are, answers a phone over
//! TLS with that CA, stops cleanly on SIGTERM, and keeps its data across a
//! restart (phones registered and events received before still there).

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::sync::{Connectivity, StaticToken, SyncConfig, SyncEngine, SyncOutcome, TrustRoots};
use latchkey_core::{Client, ClientBuilder};
use latchkey_sim::cloud::{CloudConfig, CloudServer};
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::SimWorld;
use latchkey_testkit::START;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

/// The cloud process; killed (by its id) if a test fails before stopping it.
struct CloudProcess {
    child: Child,
    details: Value,
}

impl CloudProcess {
    /// Starts it and reads the connection details it prints once listening.
    fn start(port: u16, data_dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_latchkey"))
            .args(["cloud", "--json", "--port", &port.to_string(), "--data-dir"])
            .arg(data_dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the latchkey binary starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout).read_line(&mut line).expect("stdout is readable");
        let details = serde_json::from_str(&line).unwrap_or_else(|e| {
            let _ = child.kill();
            panic!("the cloud printed no JSON line ({e}): {line:?}")
        });
        Self { child, details }
    }

    fn base_url(&self) -> String {
        self.details["base_url"].as_str().expect("base_url").to_string()
    }

    fn ca_pem(&self) -> String {
        let path = self.details["ca_pem"].as_str().expect("ca_pem");
        std::fs::read_to_string(path).expect("the CA file it names")
    }

    /// SIGTERM, as a service manager stops it; returns whether it exited 0.
    fn stop(mut self) -> bool {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success());
        let status = self.child.wait().expect("the cloud exits");
        status.success()
    }
}

impl Drop for CloudProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A phone store with one queued event, synced once against `cloud`.
async fn upload_one_event(phone: &Arc<Client>, cloud: &CloudProcess, token: &str, detail: &str) -> u64 {
    phone
        .outbox()
        .append(OutboxEvent::Failure {
            lock_id: None,
            diagnosis_code: "storage".into(),
            detail: detail.into(),
            at: START,
        })
        .unwrap();
    let config = SyncConfig::new(cloud.base_url(), TrustRoots::Pem(vec![cloud.ca_pem()]));
    // An engine per process run: the cloud's address changes between runs.
    let engine = SyncEngine::builder(phone, config, Arc::new(StaticToken::new(token)))
        .build()
        .unwrap();
    engine.set_connectivity(Connectivity::ONLINE);
    let report = engine.sync_until_idle(3).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{report:?}");
    report.uploaded
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cloud_process_serves_a_phone_over_tls_stops_on_sigterm_and_keeps_its_data() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("cloud");
    let phone_dir = tmp.path().join("phone");
    let world = SimWorld::new(START).unwrap();
    let phone = ClientBuilder::new(&phone_dir)
        .allow_software_keys()
        .transport(Arc::new(world.transport(LinkParams::mtu185())))
        .build()
        .await
        .unwrap();

    // The phone is registered in the data directory before the process
    // ever runs: what it serves comes from disk.
    let seeding = CloudServer::start(CloudConfig::local(&data_dir)).await.unwrap();
    let token = seeding
        .register_phone("technician", phone.holder_key(), false)
        .unwrap()
        .token;
    seeding.shutdown().await;

    let port = free_port();
    let first = CloudProcess::start(port, &data_dir);
    assert_eq!(first.base_url(), format!("https://127.0.0.1:{port}"));
    let admin_token = first.details["admin_token"].as_str().expect("admin_token").to_string();
    assert!(!std::fs::read_to_string(&admin_token).unwrap().trim().is_empty());
    let issuer = first.details["issuer_key"].clone();
    let first_ca = first.ca_pem();
    assert_eq!(upload_one_event(&phone, &first, &token, "first run").await, 1);
    assert!(first.stop(), "SIGTERM is a clean stop");

    // Restarted on the same port: a new test CA, the same issuer, the same
    // phones.
    let second = CloudProcess::start(port, &data_dir);
    assert_eq!(second.base_url(), format!("https://127.0.0.1:{port}"));
    assert_ne!(second.ca_pem(), first_ca, "the test CA is regenerated at every start");
    assert_eq!(second.details["issuer_key"], issuer);
    assert_eq!(upload_one_event(&phone, &second, &token, "second run").await, 1);
    assert!(second.stop());

    // Both runs' events are on disk.
    let reopened = CloudServer::start(CloudConfig::local(&data_dir)).await.unwrap();
    let details: Vec<String> = reopened
        .received_events(None)
        .unwrap()
        .iter()
        .map(|e| e.event["detail"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(details, ["first run", "second run"]);
    reopened.shutdown().await;
}
