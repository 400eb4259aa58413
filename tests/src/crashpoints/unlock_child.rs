//! The phone child of the unlock stages (`crashpoints unlock-child`): it
//! syncs (a key or its renewal, the lock, a revocation list, a PIN list,
//! a time token), unlocks the parent's lock twice through the
//! [`bridge`](super::bridge), and syncs again (the lock's events, the
//! revocation and PIN acks). Its clock starts at `--now`; its holder key
//! is the PKCS#8 file `--holder`, outside the store, as a platform signer
//! keeps it. With `--quick-dir` its client keeps quick access there (and
//! takes in what widget processes journaled, when it is built and before
//! each command). It prints `quarantined <reason>` when its store had to be set
//! aside, `attempting` before each unlock, `unlocked` after each the lock
//! confirmed, `failed <diagnosis>` after each it did not, and `idle` at
//! the end.

use super::bridge::BridgeTransport;
use crate::sync_bench::harness::SceneError;
use latchkey_core::platform_keys::SoftwareSigner;
use latchkey_core::sync::{Connectivity, StaticToken, SyncConfig, SyncOutcome, TrustRoots};
use latchkey_core::unlock::NoProgress;
use latchkey_core::ClientBuilder;
use latchkey_protocol::LockId;
use latchkey_testkit::SimWorld;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// The hidden subcommand (after `crashpoints`).
pub const CHILD_COMMAND: &str = "unlock-child";
/// Unlocks per child.
const UNLOCKS: usize = 2;

/// Entry point; returns the exit code.
pub fn child_main(args: &[String]) -> i32 {
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(dir), Some(url), Some(ca), Some(token), Some(socket), Some(lock), Some(now), Some(holder)) = (
        flag("--dir"),
        flag("--url"),
        flag("--ca"),
        flag("--token"),
        flag("--socket"),
        flag("--lock").and_then(|h| LockId::from_hex(&h)),
        flag("--now").and_then(|n| n.parse::<u32>().ok()),
        flag("--holder"),
    ) else {
        eprintln!("{CHILD_COMMAND}: --dir, --url, --ca, --token, --socket, --lock, --now and --holder are required");
        return 2;
    };
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(SceneError::from)
        .and_then(|rt| {
            rt.block_on(child(Phone {
                dir: Path::new(&dir),
                url,
                ca: Path::new(&ca),
                token,
                socket: Path::new(&socket),
                lock,
                now,
                holder: Path::new(&holder),
                quick_dir: flag("--quick-dir"),
            }))
        });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{CHILD_COMMAND}: {e}");
            1
        }
    }
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// What the child is given.
struct Phone<'a> {
    dir: &'a Path,
    url: String,
    ca: &'a Path,
    token: String,
    socket: &'a Path,
    lock: LockId,
    now: u32,
    holder: &'a Path,
    quick_dir: Option<String>,
}

async fn child(phone: Phone<'_>) -> Result<(), SceneError> {
    let world = SimWorld::new(phone.now)?;
    let config = SyncConfig::new(phone.url, TrustRoots::Pem(vec![std::fs::read_to_string(phone.ca)?]));
    let signer = SoftwareSigner::from_pkcs8(&std::fs::read(phone.holder)?)?;
    let mut builder = ClientBuilder::new(phone.dir);
    if let Some(quick_dir) = phone.quick_dir {
        builder = builder.quick_access(quick_dir);
    }
    let client = builder
        .allow_software_keys()
        .signer(Arc::new(signer))
        .transport(Arc::new(BridgeTransport::connect(phone.socket)?))
        .clock(world.phone_clock())
        .cloud(config, Arc::new(StaticToken::new(phone.token)))
        .build()
        .await?;
    if let Some(q) = client.store_quarantine() {
        say(&format!("quarantined {}", q.reason));
    }
    let lock = phone.lock;
    let engine = client.sync().ok_or("no sync engine")?;
    engine.set_connectivity(Connectivity::ONLINE);
    let synced = engine.sync_until_idle(100).await;
    if synced.outcome != SyncOutcome::Completed {
        return Err(format!("the first sync did not complete: {synced:?}").into());
    }
    for _ in 0..UNLOCKS {
        say("attempting");
        match client.locks().unlock(lock, &NoProgress).await {
            Ok(_) => say("unlocked"),
            Err(e) => say(&format!("failed {:?}: {e}", e.diagnosis())),
        }
    }
    let synced = engine.sync_until_idle(100).await;
    if synced.outcome != SyncOutcome::Completed || synced.pending_after != 0 {
        return Err(format!("the last sync did not complete: {synced:?}").into());
    }
    say("idle");
    Ok(())
}
