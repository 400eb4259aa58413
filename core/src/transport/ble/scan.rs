//! Scanning for latchkey locks, filtered in our own code (BlueZ's UUID
//! discovery filter would hide a lock whose legacy advertisement only has
//! room for the manufacturer data, and mocks ignore it).
//!
//! A device BlueZ already knows carries the payload it last reported,
//! which may hold a challenge the lock has since used up. So a scan trusts
//! what arrives while it runs (a new device, new manufacturer data, an RSSI
//! update), and falls back to a cached payload only when nothing live came
//! within the settle time: some stacks (BlueZoo, BlueZ with duplicate
//! filtering) only signal a payload when it changed, so silence means the
//! cached one is current. If it was stale after all, the lock answers
//! `stale_challenge` with a fresh one and the engine retries in the same
//! connection.

use super::super::{ScanFilter, ScannedLock};
use btleplug::api::{Central, CentralEvent, Peripheral as _, ScanFilter as BtScanFilter};
use btleplug::platform::{Adapter, PeripheralId};
use futures::StreamExt;
use latchkey_protocol::{Advertisement, COMPANY_ID};
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::{timeout_at, Instant};

/// The lock a payload describes, if it is a latchkey advertisement that
/// `filter` wants.
pub(crate) fn decode(filter: &ScanFilter, manufacturer_data: &HashMap<u16, Vec<u8>>) -> Option<Advertisement> {
    let ad = Advertisement::decode(manufacturer_data.get(&COMPANY_ID)?).ok()?;
    filter
        .short_lock_id
        .is_none_or(|id| id == ad.short_lock_id)
        .then_some(ad)
}

/// The lock `id` describes right now, from BlueZ's properties.
async fn read(adapter: &Adapter, id: &PeripheralId, filter: &ScanFilter) -> Option<ScannedLock> {
    let peripheral = adapter.peripheral(id).await.ok()?;
    let props = peripheral.properties().await.ok()??;
    let advertisement = decode(filter, &props.manufacturer_data)?;
    Some(ScannedLock {
        address: props.address.to_string(),
        rssi: props.rssi.unwrap_or(i16::MIN),
        advertisement,
    })
}

/// Scans until `deadline`, or until the first match when
/// `filter.first_match`. Returns the newest payload per device.
pub(crate) async fn run(
    adapter: &Adapter,
    filter: &ScanFilter,
    deadline: Instant,
    settle: Duration,
) -> Result<Vec<ScannedLock>, btleplug::Error> {
    let mut cached: HashMap<PeripheralId, ScannedLock> = HashMap::new();
    for peripheral in adapter.peripherals().await? {
        if let Some(lock) = read(adapter, &peripheral.id(), filter).await {
            cached.insert(peripheral.id(), lock);
        }
    }
    let mut events = adapter.events().await?;
    adapter.start_scan(BtScanFilter::default()).await?;
    let settle_at = Instant::now() + settle;
    let mut live: Vec<(PeripheralId, ScannedLock)> = Vec::new();
    loop {
        if filter.first_match && !live.is_empty() {
            break;
        }
        let wait_until = if filter.first_match && !cached.is_empty() {
            deadline.min(settle_at)
        } else {
            deadline
        };
        let event = match timeout_at(wait_until, events.next()).await {
            Ok(Some(event)) => event,
            Ok(None) => break,
            Err(_) if Instant::now() >= deadline => break,
            // Settled with nothing live: the cached payloads are current.
            Err(_) => break,
        };
        let seen = match event {
            CentralEvent::DeviceDiscovered(id) if !cached.contains_key(&id) => Some(id),
            CentralEvent::ManufacturerDataAdvertisement { id, .. } | CentralEvent::RssiUpdate { id, .. } => Some(id),
            CentralEvent::DeviceUpdated(id) => Some(id),
            _ => None,
        };
        let Some(id) = seen else { continue };
        if let Some(lock) = read(adapter, &id, filter).await {
            match live.iter_mut().find(|(known, _)| *known == id) {
                Some(entry) => entry.1 = lock,
                None => live.push((id, lock)),
            }
        }
    }
    // Stopping may fail when the adapter went away meanwhile; the results
    // stand either way.
    let _ = adapter.stop_scan().await;
    if live.is_empty() || !filter.first_match {
        for (id, lock) in cached {
            if !live.iter().any(|(known, _)| *known == id) {
                live.push((id, lock));
            }
        }
    }
    Ok(live.into_iter().map(|(_, lock)| lock).collect())
}
