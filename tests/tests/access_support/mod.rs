//! The scene of the access-control tests (cloud_access_control*.rs): two
//! locks, the front door and the back gate; a host; Anna with a resident
//! key for the front door; Mallory, the attacker, with a resident key for
//! the back gate only; a PIN in slot 3 of the front door. Requests go out
//! as plain HTTPS, none of the sync engine's manners.

#![allow(dead_code)]

use latchkey_protocol::{LockId, SigningKey};
use latchkey_sim::cloud::wire::{IssueKeyRequest, PinChangeRequest};
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::cloud::{cloud_for, register};
use latchkey_testkit::http::{Answer, CloudHttp};
use latchkey_testkit::{SimWorld, START};
use serde_json::{json, Value};

pub struct Scene {
    pub cloud: CloudServer,
    pub http: CloudHttp,
    pub front: LockId,
    pub back: LockId,
    pub host: String,
    pub anna: String,
    pub mallory: String,
    pub anna_key: String,
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

pub async fn scene() -> Scene {
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
    /// The cloud's issuer, as a world that commissions locks for it holds it.
    pub fn authority(&self) -> latchkey_sim::authority::KeyAuthority {
        self.cloud.authority().unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.http.get(path, Some(token)).await.unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.http.post(path, Some(token), &body).await.unwrap()
    }

    pub async fn send(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> Answer {
        self.http.send(method, path, Some(token), body.as_ref()).await.unwrap()
    }
}

pub fn refused(answer: &Answer, status: u16, code: &str) {
    assert_eq!((answer.status, answer.code()), (status, code), "{answer:?}");
}

pub fn attempt(id: &str, lock: &LockId) -> Value {
    json!({"id": id, "event": {"kind": "unlock_attempt", "lock_id": lock.to_hex(), "command": "unlock",
        "outcome": "ok", "fast_path": true, "started_at": START, "duration_ms": 60}})
}
