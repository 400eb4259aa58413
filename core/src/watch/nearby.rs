//! The locks in range while a screen wants them: a scan session of
//! repeated windows ([`NearbyPolicy`]), each lock named when this phone
//! knows it, kept through one missed window, strongest signal first.
//!
//! A scan that fails (Bluetooth off, a permission missing) is part of the
//! value ([`NearbyLocks::problem`]), not the end of the session: the next
//! window tries again, so the list comes back when Bluetooth does.

use super::policy::NearbyPolicy;
use crate::error::LatchkeyError;
use crate::runtime::blocking;
use crate::store::LockMeta;
use crate::transport::{ScanFilter, ScannedLock};
use crate::Client;
use latchkey_protocol::{Advertisement, LockId};
use std::sync::{Arc, Weak};
use tokio::time::Instant;

/// A latchkey lock in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearbyLock {
    /// The short id it advertises (the first 4 bytes of its lock id).
    pub short_lock_id: [u8; 4],
    /// The lock, when this phone knows it.
    pub lock_id: Option<LockId>,
    /// Its display name, when this phone knows it.
    pub name: Option<String>,
    /// The platform's address or identifier of the device.
    pub address: String,
    /// Signal strength in dBm, from its newest advertisement.
    pub rssi: i16,
    /// What it advertises: events waiting to be collected.
    pub events_pending: bool,
    /// What it advertises: its battery is low.
    pub battery_low: bool,
    /// What it advertises: its clock needs a trusted time.
    pub needs_time: bool,
    /// What it advertises: a fault (jam, door ajar…).
    pub fault: bool,
}

/// The locks in range, as [`NearbyWatcher::next`] delivers them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NearbyLocks {
    /// Strongest signal first.
    pub locks: Vec<NearbyLock>,
    /// Why the last scan failed (the list is then empty); the session
    /// tries again at the next window.
    pub problem: Option<LatchkeyError>,
}

/// A scan session; it scans only while [`NearbyWatcher::next`] is awaited
/// and holds the client weakly.
pub struct NearbyWatcher {
    client: Weak<Client>,
    policy: NearbyPolicy,
    /// Locks seen recently, with the windows missed since.
    seen: Vec<(NearbyLock, u32)>,
    last: Option<NearbyLocks>,
    next_window: Option<Instant>,
}

impl NearbyWatcher {
    pub(crate) fn new(client: &Arc<Client>, policy: NearbyPolicy) -> Self {
        Self {
            client: Arc::downgrade(client),
            policy,
            seen: Vec::new(),
            last: None,
            next_window: None,
        }
    }

    /// The locks in range after the first window, then after each window
    /// that changes them. `None` once the client is gone or signed out;
    /// an error (reading the store failed) ends the session.
    pub async fn next(&mut self) -> Option<Result<NearbyLocks, LatchkeyError>> {
        loop {
            if let Some(at) = self.next_window {
                tokio::time::sleep_until(at).await;
            }
            let client = self.client.upgrade().filter(|c| !c.is_signed_out())?;
            self.next_window = Some(Instant::now() + self.policy.period.max(self.policy.window));
            let any = ScanFilter {
                short_lock_id: None,
                first_match: false,
            };
            let value = match client.locks().scan(&any, self.policy.window).await {
                Ok(found) => {
                    let store = client.store().clone();
                    let known = match blocking(move || Ok(store.locks().list_meta()?)).await {
                        Ok(known) => known,
                        Err(e) => return Some(Err(e)),
                    };
                    self.absorb(found, &known);
                    NearbyLocks {
                        locks: self.seen.iter().map(|(lock, _)| lock.clone()).collect(),
                        problem: None,
                    }
                }
                Err(e) => {
                    self.seen.clear();
                    NearbyLocks {
                        locks: Vec::new(),
                        problem: Some(e),
                    }
                }
            };
            if self.last.as_ref() != Some(&value) {
                self.last = Some(value.clone());
                return Some(Ok(value));
            }
        }
    }

    /// One window's results: seen locks refreshed, missing ones kept for
    /// the policy's missed windows, strongest first.
    fn absorb(&mut self, found: Vec<ScannedLock>, known: &[LockMeta]) {
        for (_, missed) in &mut self.seen {
            *missed += 1;
        }
        for scanned in found {
            let lock = describe(&scanned, known);
            match self.seen.iter_mut().find(|(l, _)| l.address == lock.address) {
                Some(entry) => *entry = (lock, 0),
                None => self.seen.push((lock, 0)),
            }
        }
        let keep = self.policy.kept_for_missed_windows;
        self.seen.retain(|(_, missed)| *missed <= keep);
        self.seen
            .sort_by(|(a, _), (b, _)| b.rssi.cmp(&a.rssi).then_with(|| a.address.cmp(&b.address)));
    }
}

fn describe(scanned: &ScannedLock, known: &[LockMeta]) -> NearbyLock {
    let ad = &scanned.advertisement;
    let meta = known.iter().find(|m| m.lock_id.short() == ad.short_lock_id);
    NearbyLock {
        short_lock_id: ad.short_lock_id,
        lock_id: meta.map(|m| m.lock_id),
        name: meta.map(|m| m.name.clone()),
        address: scanned.address.clone(),
        rssi: scanned.rssi,
        events_pending: ad.has(Advertisement::EVENTS_PENDING),
        battery_low: ad.has(Advertisement::BATTERY_LOW),
        needs_time: ad.has(Advertisement::NEEDS_TIME),
        fault: ad.has(Advertisement::FAULT),
    }
}
