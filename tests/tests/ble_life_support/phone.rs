//! The phone as a technician runs it: the real `latchkey` command (path in
//! LATCHKEY_CLI_BIN, set by ./scripts/test-ble), each call its own
//! process with `--json`, its store in a folder, registered as a host
//! with the reference cloud running here on loopback (TLS).

use crate::ble_support::{unix_now, PHONE_ADAPTER};
use latchkey_protocol::{hex, LockId, PublicKey};
use latchkey_sim::cloud::wire::IssueKeyRequest;
use latchkey_sim::cloud::{CloudConfig, CloudServer};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

/// What one `latchkey` run printed.
#[derive(Debug)]
pub struct Run {
    /// Exit status (`None`: killed by a signal).
    pub status: Option<i32>,
    /// stdout parsed as JSON (every run passes `--json`).
    pub json: Value,
    /// stderr, for failure messages.
    pub stderr: String,
}

/// The command, its store and the account's cloud.
pub struct Phone {
    /// The account's cloud.
    pub cloud: CloudServer,
    cli: PathBuf,
    token: String,
    dir: tempfile::TempDir,
}

impl Phone {
    /// A cloud and a phone store registered with it as a host; `None`
    /// (the test skips, saying why) without the `latchkey` binary.
    pub async fn new() -> Option<Self> {
        let Ok(cli) = std::env::var("LATCHKEY_CLI_BIN") else {
            eprintln!("skipped: LATCHKEY_CLI_BIN unset (./scripts/test-ble builds latchkey and sets it)");
            return None;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let cloud = CloudServer::start(CloudConfig::local(dir.path().join("cloud")))
            .await
            .expect("reference cloud");
        std::fs::write(dir.path().join("ca.pem"), cloud.ca_pem()).expect("CA file");
        let mut phone = Self {
            cloud,
            cli: cli.into(),
            token: String::new(),
            dir,
        };
        let keys = phone.ok(&["keys", "--data-dir", &phone.store()]).await;
        let holder = hex::decode(keys.json["holder_key"].as_str().expect("holder_key")).expect("hex");
        let holder = PublicKey(holder.try_into().expect("a P-256 key"));
        phone.token = phone.cloud.register_phone("host", holder, true).expect("phone").token;
        Some(phone)
    }

    /// The phone's store.
    pub fn store(&self) -> String {
        self.dir.path().join("phone").display().to_string()
    }

    /// A path in the scene's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `latchkey ARGS --json`.
    pub async fn run(&self, args: &[&str]) -> Run {
        let mut command = Command::new(&self.cli);
        command
            .args(args)
            .arg("--json")
            .env("NO_COLOR", "1")
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("RUST_BACKTRACE");
        let shown = format!("latchkey {}", args.join(" "));
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("task")
            .unwrap_or_else(|e| panic!("{shown}: {e}"));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let json = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{shown} printed no JSON ({e}): {stdout}\nstderr: {stderr}"));
        Run {
            status: output.status.code(),
            json,
            stderr,
        }
    }

    /// `latchkey ARGS --json`, which must succeed.
    pub async fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args).await;
        assert_eq!(run.status, Some(0), "latchkey {args:?}: {:#}\n{}", run.json, run.stderr);
        run
    }

    /// `latchkey COMMAND --ble --adapter hci0 --data-dir STORE ARGS --json`.
    pub async fn at_door(&self, command: &[&str], args: &[&str]) -> Run {
        let store = self.store();
        let mut all: Vec<&str> = command.to_vec();
        all.extend(["--ble", "--adapter", PHONE_ADAPTER, "--data-dir", &store]);
        all.extend(args);
        self.run(&all).await
    }

    /// `latchkey COMMAND --ble … ARGS`, which must succeed.
    pub async fn ok_at_door(&self, command: &[&str], args: &[&str]) -> Run {
        let run = self.at_door(command, args).await;
        assert_eq!(
            run.status,
            Some(0),
            "latchkey {command:?} {args:?}: {:#}\n{}",
            run.json,
            run.stderr
        );
        run
    }

    /// `latchkey claim --ble … --setup-code CODE --name NAME --cloud …`.
    pub async fn claim(&self, code: &str, name: &str) -> Run {
        let (url, ca) = (self.cloud.base_url(), self.path("ca.pem").display().to_string());
        let args = [
            "--setup-code",
            code,
            "--name",
            name,
            "--cloud",
            &url,
            "--token",
            &self.token,
            "--ca",
            &ca,
        ];
        self.at_door(&["claim"], &args).await
    }

    /// `latchkey sync --cloud …` (no radio), which must succeed.
    pub async fn sync(&self) -> Run {
        let (url, ca) = (self.cloud.base_url(), self.path("ca.pem").display().to_string());
        let store = self.store();
        let args = [
            "sync",
            "--cloud",
            &url,
            "--token",
            &self.token,
            "--ca",
            &ca,
            "--data-dir",
            &store,
        ];
        self.ok(&args).await
    }

    /// An owner key for `lock` from the cloud (which knows the lock only
    /// once a claim registered it), fetched by a sync.
    pub async fn owner_key(&self, lock: LockId) {
        let now = unix_now();
        self.cloud
            .issue_key(&IssueKeyRequest {
                lock_id: lock,
                phone: "host".into(),
                role: "owner".into(),
                not_before: now - 60,
                not_after: now + 86_400,
                schedule: None,
                offline_allowed: true,
                label: "Owner".into(),
                cert_lifetime_s: None,
            })
            .expect("the cloud knows the claimed lock and issues a key for it");
        let synced = self.sync().await;
        assert_eq!(synced.json["keys_added"], 1, "{:#}", synced.json);
    }

    /// Stops the cloud.
    pub async fn shutdown(self) {
        self.cloud.shutdown().await;
    }
}
