//! Scanning within the platform's budget. Android ignores, silently, a
//! sixth scan started within 30 s (the app just sees nothing, which would
//! read as "the lock is out of range"); the driver counts the scans it
//! started and waits for a free slot instead, or says why it can't.

use super::events::CentralEvent;
use super::ops::{adapter_error, Driver, PlatformScanFilter, StartResult};
use crate::transport::{ScanFilter, ScannedLock, TransportError};
use latchkey_protocol::{Advertisement, Challenge, COMPANY_ID, SERVICE_UUID};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// How many scans the platform lets an app start per window.
#[derive(Debug, Clone)]
pub struct ScanBudget {
    limit: Option<(u32, Duration)>,
    starts: VecDeque<Instant>,
    delayed: u32,
}

/// Android 7+: five scan starts per 30 s per app (`ScanManager`'s
/// `NUM_SCAN_DURATIONS_KEPT`, `EXCESSIVE_SCANNING_PERIOD_MS`).
pub const ANDROID_SCAN_BUDGET: (u32, Duration) = (5, Duration::from_secs(30));

impl ScanBudget {
    /// No limit (CoreBluetooth, desktops).
    pub fn unlimited() -> Self {
        Self {
            limit: None,
            starts: VecDeque::new(),
            delayed: 0,
        }
    }

    /// At most `max` starts per `window`.
    pub fn per_window((max, window): (u32, Duration)) -> Self {
        Self {
            limit: Some((max.max(1), window)),
            ..Self::unlimited()
        }
    }

    fn forget_old(&mut self, now: Instant) {
        let window = self.limit.map_or(Duration::from_secs(30), |(_, w)| w);
        while self.starts.front().is_some_and(|t| now.duration_since(*t) >= window) {
            self.starts.pop_front();
        }
    }

    /// How long until a scan may start.
    fn wait(&mut self, now: Instant) -> Duration {
        self.forget_old(now);
        match self.limit {
            Some((max, window)) if self.starts.len() >= max as usize => {
                let oldest = self.starts[self.starts.len() - max as usize];
                (oldest + window).saturating_duration_since(now)
            }
            _ => Duration::ZERO,
        }
    }

    fn started(&mut self, now: Instant) {
        self.starts.push_back(now);
    }

    /// Scans started in the last window, and scans held back so far.
    pub(super) fn counts(&mut self) -> (u32, u32) {
        self.forget_old(Instant::now());
        (self.starts.len() as u32, self.delayed)
    }
}

/// The manufacturer-data prefix of one lock's advertisement: the format
/// version and its short id, from the protocol's own encoding.
fn prefix_for(short_lock_id: [u8; 4]) -> Vec<u8> {
    let probe = Advertisement {
        short_lock_id,
        epoch: 0,
        challenge: Challenge::default(),
        flags: 0,
        revocation_seq_low: 0,
    };
    probe.encode()[..5].to_vec()
}

pub(super) async fn run(
    driver: &Driver,
    budget: &Mutex<ScanBudget>,
    filter: &ScanFilter,
    timeout: Duration,
) -> Result<Vec<ScannedLock>, TransportError> {
    let deadline = Instant::now() + timeout;
    let wait = budget.lock().unwrap_or_else(|p| p.into_inner()).wait(Instant::now());
    if !wait.is_zero() {
        if Instant::now() + wait >= deadline {
            return Err(TransportError::ScanThrottled(wait));
        }
        budget.lock().unwrap_or_else(|p| p.into_inner()).delayed += 1;
        crate::log_line!(Debug, target: "latchkey::ble", "scan budget spent: waiting {wait:?} for a free slot");
        tokio::time::sleep(wait).await;
    }
    let scan = driver.router.next_id();
    let mut events = driver.router.open_scan(scan);
    let platform_filter = PlatformScanFilter {
        service_uuid: SERVICE_UUID.to_string(),
        company_id: COMPANY_ID,
        prefix: filter.short_lock_id.map(prefix_for).unwrap_or_default(),
    };
    let mut started = driver.ops.start_scan(scan, &platform_filter);
    // A central made on first use (CoreBluetooth) starts in an unknown
    // state: wait for the adapter to come on, then start again.
    while started == StartResult::NotReady {
        if let Err(e) = adapter_on(&mut events, deadline).await {
            driver.router.close_scan(scan);
            return Err(e);
        }
        started = driver.ops.start_scan(scan, &platform_filter);
    }
    budget.lock().unwrap_or_else(|p| p.into_inner()).started(Instant::now());
    let result = match started {
        StartResult::Started | StartResult::Done => collect(&mut events, filter, deadline).await,
        StartResult::Busy | StartResult::NotReady => Err(TransportError::NotReady("the scanner is busy".into())),
        StartResult::Failed(e) => Err(e.into_transport()),
    };
    driver.ops.stop_scan(scan);
    driver.router.close_scan(scan);
    result
}

/// Waits for the adapter to report itself on (or what stands in the way).
async fn adapter_on(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<CentralEvent>,
    deadline: Instant,
) -> Result<(), TransportError> {
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(CentralEvent::Adapter(state))) => match adapter_error(state) {
                None => return Ok(()),
                Some(TransportError::NotReady(_)) => {}
                Some(e) => return Err(e),
            },
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => {
                return Err(TransportError::NotReady(
                    "the Bluetooth adapter did not report itself ready in time".into(),
                ))
            }
        }
    }
}

/// Advertisements until the deadline (or the first match), newest per device.
async fn collect(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<CentralEvent>,
    filter: &ScanFilter,
    deadline: Instant,
) -> Result<Vec<ScannedLock>, TransportError> {
    let mut found: Vec<ScannedLock> = Vec::new();
    loop {
        let event = match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(e)) => e,
            Ok(None) | Err(_) => return Ok(found),
        };
        match event {
            CentralEvent::ScanResult {
                address,
                rssi,
                company_id,
                data,
                ..
            } if company_id == COMPANY_ID => {
                let Ok(advertisement) = Advertisement::decode(&data) else {
                    continue;
                };
                if filter.short_lock_id.is_some_and(|id| id != advertisement.short_lock_id) {
                    continue;
                }
                let lock = ScannedLock {
                    address,
                    rssi,
                    advertisement,
                };
                match found.iter_mut().find(|f| f.address == lock.address) {
                    Some(existing) => *existing = lock,
                    None => found.push(lock),
                }
                if filter.first_match {
                    return Ok(found);
                }
            }
            CentralEvent::ScanFailed { code, .. } => return Err(scan_failed(code)),
            CentralEvent::Adapter(state) => {
                if let Some(e) = adapter_error(state) {
                    return Err(e);
                }
            }
            _ => {}
        }
    }
}

/// Android's `ScanCallback` error codes, as errors a person can act on.
fn scan_failed(code: i32) -> TransportError {
    match code {
        // SCAN_FAILED_APPLICATION_REGISTRATION_FAILED: the stack is in a
        // bad state (often fixed by toggling Bluetooth).
        2 => TransportError::NotReady("the Bluetooth scanner could not register this app (error 2)".into()),
        // SCAN_FAILED_FEATURE_UNSUPPORTED
        4 => TransportError::Unavailable("this device can't scan for Bluetooth LE (error 4)".into()),
        // SCAN_FAILED_SCANNING_TOO_FREQUENTLY (API 31+ reports it)
        6 => TransportError::ScanThrottled(Duration::from_secs(30)),
        other => TransportError::Other(format!("the Bluetooth scan failed (error {other})")),
    }
}
