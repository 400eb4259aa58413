//! The phone child of the unlock stage (`crashpoints unlock-child`): it
//! syncs (a key, the lock, a revocation list, a time token), unlocks the
//! parent's lock twice through the [`bridge`](super::bridge), and syncs
//! again (the lock's events, the revocation ack). It prints `attempting`
//! before each unlock, `unlocked` after each the lock confirmed, `failed
//! <diagnosis>` after each it did not, and `idle` at the end.

use super::bridge::BridgeTransport;
use crate::sync_bench::harness::{SceneError, START};
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
    let (Some(dir), Some(url), Some(ca), Some(token), Some(socket), Some(lock)) = (
        flag("--dir"),
        flag("--url"),
        flag("--ca"),
        flag("--token"),
        flag("--socket"),
        flag("--lock").and_then(|h| LockId::from_hex(&h)),
    ) else {
        eprintln!("{CHILD_COMMAND}: --dir, --url, --ca, --token, --socket and --lock are required");
        return 2;
    };
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(SceneError::from)
        .and_then(|rt| {
            rt.block_on(child(
                Path::new(&dir),
                url,
                Path::new(&ca),
                token,
                Path::new(&socket),
                lock,
            ))
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

async fn child(
    dir: &Path,
    url: String,
    ca: &Path,
    token: String,
    socket: &Path,
    lock: LockId,
) -> Result<(), SceneError> {
    let world = SimWorld::new(START)?;
    let config = SyncConfig::new(url, TrustRoots::Pem(vec![std::fs::read_to_string(ca)?]));
    let client = ClientBuilder::new(dir)
        .allow_software_keys()
        .transport(Arc::new(BridgeTransport::connect(socket)?))
        .clock(world.phone_clock())
        .cloud(config, Arc::new(StaticToken::new(token)))
        .build()
        .await?;
    if let Some(q) = client.store_quarantine() {
        return Err(format!("the phone's store was quarantined: {}", q.reason).into());
    }
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
