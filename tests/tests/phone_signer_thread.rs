//! The holder key's signer never runs on the thread that polls the
//! command: through the bindings that is the app's caller (possibly its
//! main thread), and a hardware signature (StrongBox, the Secure Enclave)
//! takes long enough to stall a UI.

use latchkey_core::platform_keys::{KeyProtection, PlatformKeyError, Signer, SoftwareSigner};
use latchkey_core::unlock::{NoProgress, UnlockPath};
use latchkey_protocol::{PublicKey, Signature, SigningKey};
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::scene::resident_scene_with;
use latchkey_testkit::START;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

struct ThreadRecordingSigner {
    inner: SoftwareSigner,
    threads: Mutex<Vec<ThreadId>>,
}

impl Signer for ThreadRecordingSigner {
    fn public_key(&self) -> PublicKey {
        self.inner.public_key()
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, PlatformKeyError> {
        self.threads.lock().unwrap().push(std::thread::current().id());
        self.inner.sign(message)
    }

    fn protection(&self) -> KeyProtection {
        KeyProtection::Software
    }

    fn delete_key(&self) -> Result<(), PlatformKeyError> {
        Ok(())
    }
}

// One thread polls everything here, as UniFFI polls on the caller's.
#[tokio::test(flavor = "current_thread")]
async fn the_signer_runs_off_the_thread_that_polls_the_command() {
    let key = SigningKey::generate().expect("a key");
    let signer = Arc::new(ThreadRecordingSigner {
        inner: SoftwareSigner::from_pkcs8(key.pkcs8()).expect("a signer"),
        threads: Mutex::new(Vec::new()),
    });
    let s = resident_scene_with(START, LockConfig::default(), {
        let signer = signer.clone();
        move |b| b.signer(signer)
    })
    .await;
    let report = s
        .phone
        .locks()
        .unlock(s.lock.id(), &NoProgress)
        .await
        .expect("unlocked");
    assert_eq!(report.path, UnlockPath::Auth, "AUTH signs with the holder key");
    let threads = signer.threads.lock().unwrap().clone();
    assert!(!threads.is_empty(), "the signer was used");
    let caller = std::thread::current().id();
    assert!(threads.iter().all(|t| *t != caller), "signed on the caller's thread");
}
