//! The ingest stage's widget: after the phone child ran once with a
//! quick-access directory (so the lock's quick file exists and holds the
//! fast key its AUTH left), a widget's process opens the lock through
//! [`QuickUnlock`] over the same directory and the app's key store. It
//! runs here in the parent, on the lock's own radio, while no phone child
//! runs; its journals wait for the next child to take them in (when its
//! client is built, before each command, after each sync), and the kills
//! land there.

use crate::sync_bench::harness::SceneError;
use latchkey_core::platform_keys::{SoftwareKeyStore, SoftwareSigner};
use latchkey_core::unlock::{NoProgress, UnlockPath};
use latchkey_core::QuickUnlock;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::{SimLockHandle, SimWorld};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Unlocks the widget makes.
const WIDGET_UNLOCKS: usize = 2;
/// Seconds the world's clock moves before each widget unlock and after
/// the last: each widget attempt has a start time no other attempt has,
/// by which the checks find it on the cloud.
const APART_S: u64 = 100;

/// The quick-access directory and what the widget did.
#[derive(Debug, Clone)]
pub struct WidgetSide {
    /// The quick-access directory the phone child keeps.
    pub(super) dir: PathBuf,
    /// The start time of each unlock the widget reported done.
    pub(super) started: Vec<u32>,
}

impl WidgetSide {
    /// Quick access in `dir`; nothing done yet.
    pub(super) fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            started: Vec::new(),
        }
    }

    /// Journal files in the directory (finished, unnamed or set aside).
    pub(super) fn journals(&self) -> Result<Vec<PathBuf>, SceneError> {
        files_in(&self.dir.join("journal"))
    }
}

fn files_in(dir: &Path) -> Result<Vec<PathBuf>, SceneError> {
    match std::fs::read_dir(dir) {
        Ok(entries) => Ok(entries.filter_map(Result::ok).map(|e| e.path()).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// What the widget needs from the scene: the phone's store directory
/// (its software key store lies beside it), the holder key's PKCS#8
/// file, the world and its lock.
pub(super) struct WidgetReach<'a> {
    pub(super) store_dir: &'a Path,
    pub(super) holder: &'a Path,
    pub(super) world: &'a SimWorld,
    pub(super) lock: &'a SimLockHandle,
}

impl WidgetSide {
    /// The widget unlocks the lock [`WIDGET_UNLOCKS`] times with the fast
    /// key the phone shared; each must be done, and leave a journal.
    /// Returns how many it made (all reported done).
    pub(super) async fn unlock(&mut self, reach: WidgetReach<'_>) -> Result<usize, SceneError> {
        let key_store = SoftwareKeyStore::open_file(&SoftwareKeyStore::path_beside(reach.store_dir))?;
        let signer = SoftwareSigner::from_pkcs8(&std::fs::read(reach.holder)?)?;
        let widget = QuickUnlock::builder(
            &self.dir,
            Arc::new(key_store),
            Arc::new(reach.world.transport(LinkParams::mtu185())),
        )
        .signer(Arc::new(signer))
        .clock(reach.world.phone_clock())
        .build();
        let before = self.journals()?.len();
        for _ in 0..WIDGET_UNLOCKS {
            reach.world.clock.advance_secs(APART_S);
            let at = reach.world.clock.unix_now();
            let report = widget
                .unlock(reach.lock.id(), true, &NoProgress)
                .await
                .map_err(|e| format!("the widget's unlock failed: {e}"))?;
            if report.path != UnlockPath::Fast {
                return Err(format!("the widget unlocked with {:?}, not the shared fast key", report.path).into());
            }
            self.started.push(at);
        }
        reach.world.clock.advance_secs(APART_S);
        let journals = self.journals()?.len() - before;
        if journals != WIDGET_UNLOCKS {
            return Err(format!("the widget left {journals} journals for {WIDGET_UNLOCKS} unlocks").into());
        }
        Ok(WIDGET_UNLOCKS)
    }
}
