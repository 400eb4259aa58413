//! Setting up one connection: connect, MTU, discovery, subscription, one
//! operation at a time, each completed only by its own callback (a late
//! `onMtuChanged` can't end discovery), with the whole setup bounded by
//! the caller's timeout. A setup that fails or is dropped (a cancelled
//! command) closes the platform's connection: no handle leaks.

use super::events::{AdapterState, CentralEvent, ConnId, Router};
use super::link::CentralLink;
use super::ops::{adapter_error, gatt_status, start, CentralOps, CentralTimings, Driver, StartResult};
use crate::transport::{Link, TransportError};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// The ATT MTU asked for; the platform negotiates down to what the lock
/// supports (Android's largest is 517).
const WANTED_MTU: u16 = 517;
/// The ATT default, used until (and unless) a larger one is negotiated.
const DEFAULT_MTU: u16 = 23;

/// Closes the platform connection when dropped, unless handed on to a link.
struct SetupGuard<'a> {
    ops: &'a dyn CentralOps,
    router: &'a Router,
    conn: ConnId,
    armed: bool,
}

impl Drop for SetupGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.ops.close(self.conn);
            self.router.close_conn(self.conn);
        }
    }
}

/// Connection setup state: the events, the MTU as negotiated so far.
struct Setup<'a> {
    events: UnboundedReceiver<CentralEvent>,
    mtu: u16,
    deadline: Instant,
    early_notifications: Vec<Vec<u8>>,
    timeout: Duration,
    timings: &'a CentralTimings,
}

impl Setup<'_> {
    /// The next event `want` accepts, until `until`. Facts that concern
    /// any step are handled here: a disconnect or an adapter going away
    /// fails the step, a (late) MTU is recorded.
    async fn next<T>(
        &mut self,
        until: Instant,
        mut want: impl FnMut(&CentralEvent) -> Option<Result<T, TransportError>>,
    ) -> Result<Option<T>, TransportError> {
        loop {
            let event = match tokio::time::timeout_at(until, self.events.recv()).await {
                Ok(Some(e)) => e,
                Ok(None) => return Err(TransportError::Disconnected),
                Err(_) => return Ok(None),
            };
            if let Some(outcome) = want(&event) {
                return outcome.map(Some);
            }
            match event {
                CentralEvent::Disconnected { status, .. } => return Err(disconnected(status)),
                CentralEvent::Adapter(state) => {
                    if let Some(e) = adapter_error(state) {
                        return Err(e);
                    }
                }
                CentralEvent::MtuChanged { mtu, status: 0, .. } => self.mtu = mtu.max(DEFAULT_MTU),
                CentralEvent::Notification { value, .. } => self.early_notifications.push(value),
                _ => {}
            }
        }
    }

    fn timed_out(&self) -> TransportError {
        TransportError::ConnectTimeout(self.timeout)
    }
}

/// A disconnect while setting up, with its status.
fn disconnected(status: i32) -> TransportError {
    if status == 0 {
        TransportError::Disconnected
    } else {
        TransportError::Other(format!("the connection failed: {}", gatt_status(status)))
    }
}

pub(super) async fn run(driver: &Driver, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
    let ops = driver.ops.as_ref();
    let conn = driver.router.next_id();
    let events = driver.router.open_conn(conn);
    let mut guard = SetupGuard {
        ops,
        router: &driver.router,
        conn,
        armed: true,
    };
    let mut s = Setup {
        events,
        mtu: DEFAULT_MTU,
        deadline: Instant::now() + timeout,
        early_notifications: Vec::new(),
        timeout,
        timings: &driver.timings,
    };
    loop {
        match start(s.timings, || ops.connect(conn, address)).await {
            StartResult::Failed(e) => return Err(e.into_transport()),
            // The central is starting (made on first use): wait until the
            // adapter says it is on, then ask again.
            StartResult::NotReady => {
                let deadline = s.deadline;
                s.next(deadline, |e| match e {
                    CentralEvent::Adapter(AdapterState::On) => Some(Ok(())),
                    _ => None,
                })
                .await?
                .ok_or_else(|| s.timed_out())?;
            }
            _ => break,
        }
    }
    let deadline = s.deadline;
    s.next(deadline, |e| match e {
        CentralEvent::Connected { status: 0, .. } => Some(Ok(())),
        // Android can report "connected" with an error status: not usable.
        CentralEvent::Connected { status, .. } => Some(Err(TransportError::Other(format!(
            "connected with an error: {}",
            gatt_status(*status)
        )))),
        _ => None,
    })
    .await?
    .ok_or_else(|| s.timed_out())?;
    negotiate_mtu(ops, conn, &mut s).await?;
    let timings = s.timings;
    let discovering = start(timings, || ops.discover(conn)).await;
    require(discovering, &mut s, "service discovery", |e| match e {
        CentralEvent::ServicesDiscovered {
            status: 0,
            latchkey_service: true,
            ..
        } => Some(Ok(())),
        CentralEvent::ServicesDiscovered { status: 0, .. } => Some(Err(TransportError::Other(
            "the device has no latchkey service (not a latchkey lock, or its firmware is not running)".into(),
        ))),
        CentralEvent::ServicesDiscovered { status, .. } => Some(Err(TransportError::Other(format!(
            "service discovery failed: {}",
            gatt_status(*status)
        )))),
        _ => None,
    })
    .await?;
    let subscribing = start(timings, || ops.subscribe(conn)).await;
    require(subscribing, &mut s, "subscribing to answers", |e| match e {
        CentralEvent::Subscribed { status: 0, .. } => Some(Ok(())),
        CentralEvent::Subscribed { status, .. } => Some(Err(TransportError::Other(format!(
            "subscribing to the lock's answers failed: {}",
            gatt_status(*status)
        )))),
        _ => None,
    })
    .await?;
    guard.armed = false;
    Ok(Box::new(CentralLink::new(
        driver.clone(),
        conn,
        s.events,
        s.mtu,
        s.early_notifications,
    )))
}

/// Asks for a larger MTU; goes on at the default when the platform can't or
/// never answers (some phones skip `onMtuChanged`).
async fn negotiate_mtu(ops: &dyn CentralOps, conn: ConnId, s: &mut Setup<'_>) -> Result<(), TransportError> {
    match start(s.timings, || ops.request_mtu(conn, WANTED_MTU)).await {
        StartResult::Started => {
            let until = s.deadline.min(Instant::now() + s.timings.mtu_wait);
            let got = s
                .next(until, |e| match e {
                    CentralEvent::MtuChanged { mtu, status: 0, .. } => Some(Ok(*mtu)),
                    CentralEvent::MtuChanged { .. } => Some(Ok(DEFAULT_MTU)),
                    _ => None,
                })
                .await?;
            match got {
                Some(mtu) => s.mtu = mtu.max(DEFAULT_MTU),
                None => crate::log_line!(Debug, target: "latchkey::ble", "no MTU answer; going on at {}", s.mtu),
            }
        }
        // The MTU came with the call (CoreBluetooth): take it from the queue.
        StartResult::Done => {
            s.next(Instant::now(), |e| match e {
                CentralEvent::MtuChanged { mtu, .. } => Some(Ok(*mtu)),
                _ => None,
            })
            .await?
            .into_iter()
            .for_each(|mtu| s.mtu = mtu.max(DEFAULT_MTU));
        }
        other => {
            crate::log_line!(Debug, target: "latchkey::ble", "MTU request not taken ({other:?}); going on at {}", s.mtu)
        }
    }
    Ok(())
}

/// Starts a setup step and waits for the callback that ends it.
async fn require(
    started: StartResult,
    s: &mut Setup<'_>,
    what: &str,
    done: impl FnMut(&CentralEvent) -> Option<Result<(), TransportError>>,
) -> Result<(), TransportError> {
    match started {
        StartResult::Started => {}
        StartResult::Done => return Ok(()),
        StartResult::Busy | StartResult::NotReady => {
            return Err(TransportError::Other(format!(
                "{what} could not start: the phone's Bluetooth is busy"
            )))
        }
        StartResult::Failed(e) => return Err(e.into_transport()),
    }
    let deadline = s.deadline;
    s.next(deadline, done).await?.ok_or_else(|| s.timed_out())
}
