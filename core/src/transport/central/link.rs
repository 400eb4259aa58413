//! One set-up connection as a core [`Link`]: writes sized for the platform
//! (never over 512 bytes), retried while the platform is busy, paced by its
//! flow control; notifications in order; the connection closed when the
//! link is dropped.

use super::events::{CentralEvent, ConnId, Router};
use super::ops::{adapter_error, gatt_status, start, CentralOps, CentralTimings, Driver, StartResult};
use crate::transport::{Link, TransportError};
use async_trait::async_trait;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// The largest attribute value: Android 13+ refuses a longer
/// `writeCharacteristic` (`IllegalArgumentException`), so packets are
/// sized to at most this whatever the negotiated MTU.
pub const MAX_ATTRIBUTE_VALUE: u16 = 512;

/// What waiting for the platform brought.
enum Next {
    /// An event for the step that waits.
    Event(CentralEvent),
    /// A notification, now queued.
    Queued,
    /// Nothing before the deadline.
    TimedOut,
}

pub(super) struct CentralLink {
    ops: Arc<dyn CentralOps>,
    router: Arc<Router>,
    timings: CentralTimings,
    conn: ConnId,
    events: UnboundedReceiver<CentralEvent>,
    mtu: u16,
    notifications: VecDeque<Vec<u8>>,
    opened: Instant,
    open: bool,
}

impl CentralLink {
    /// The link over connection `conn`, set up with `mtu`, holding the
    /// notifications that came during setup.
    pub(super) fn new(
        driver: Driver,
        conn: ConnId,
        events: UnboundedReceiver<CentralEvent>,
        mtu: u16,
        early_notifications: Vec<Vec<u8>>,
    ) -> Self {
        let Driver { ops, router, timings } = driver;
        Self {
            ops,
            router,
            timings,
            conn,
            events,
            mtu,
            notifications: early_notifications.into(),
            opened: Instant::now(),
            open: true,
        }
    }

    /// The next event, handling what concerns every step: a notification is
    /// queued (and reported at once, so a reader wakes), a disconnect or a
    /// lost adapter ends the link, a late MTU is recorded (it only ever
    /// grows what the next frame may use).
    async fn next_event(&mut self, until: Instant) -> Result<Next, TransportError> {
        loop {
            let event = match tokio::time::timeout_at(until, self.events.recv()).await {
                Ok(Some(e)) => e,
                Ok(None) => return Err(TransportError::Disconnected),
                Err(_) => return Ok(Next::TimedOut),
            };
            match event {
                CentralEvent::Notification { value, .. } => {
                    self.notifications.push_back(value);
                    return Ok(Next::Queued);
                }
                CentralEvent::Disconnected { .. } => {
                    self.close();
                    return Err(TransportError::Disconnected);
                }
                CentralEvent::Adapter(state) => {
                    if let Some(e) = adapter_error(state) {
                        self.close();
                        return Err(e);
                    }
                }
                CentralEvent::MtuChanged { mtu, status: 0, .. } => self.mtu = self.mtu.max(mtu),
                other => return Ok(Next::Event(other)),
            }
        }
    }

    fn close(&mut self) {
        if std::mem::take(&mut self.open) {
            self.ops.close(self.conn);
            self.router.close_conn(self.conn);
        }
    }

    /// Waits for the platform to confirm a write. Unconfirmed in time, it
    /// counts as possibly sent: the wait for the lock's answer decides, and
    /// a lost answer is reported as "the lock may have acted".
    async fn confirmed(&mut self) -> Result<(), TransportError> {
        let until = Instant::now() + self.timings.write_wait;
        loop {
            match self.next_event(until).await? {
                Next::Event(CentralEvent::WriteDone { status: 0, .. }) => return Ok(()),
                Next::Event(CentralEvent::WriteDone { status, .. }) => {
                    return Err(TransportError::Other(format!(
                        "the write failed: {}",
                        gatt_status(status)
                    )))
                }
                Next::Event(_) | Next::Queued => {}
                Next::TimedOut => {
                    crate::log_line!(Debug, target: "latchkey::ble", "write unconfirmed; waiting for the lock's answer");
                    return Ok(());
                }
            }
        }
    }

    /// Waits until the platform can take a write without response again.
    async fn ready(&mut self) -> Result<(), TransportError> {
        let until = Instant::now() + self.timings.write_wait;
        loop {
            match self.next_event(until).await? {
                Next::Event(CentralEvent::ReadyToWrite { .. }) => return Ok(()),
                Next::Event(_) | Next::Queued => {}
                Next::TimedOut => {
                    return Err(TransportError::Other(
                        "the phone's Bluetooth did not get ready to send in time".into(),
                    ))
                }
            }
        }
    }
}

#[async_trait]
impl Link for CentralLink {
    fn mtu(&self) -> u16 {
        // Packets are MTU − 3 bytes: cap them at the attribute limit.
        self.mtu.min(MAX_ATTRIBUTE_VALUE + 3)
    }

    async fn write(&mut self, packet: &[u8]) -> Result<(), TransportError> {
        if !self.open {
            return Err(TransportError::Disconnected);
        }
        // Flow control: wait for readiness as often as the platform asks,
        // within the busy budget.
        for _ in 0..self.timings.busy_tries.max(1) {
            let (ops, conn, timings) = (self.ops.clone(), self.conn, self.timings);
            match start(&timings, || ops.write(conn, packet, false)).await {
                StartResult::Started if self.ops.confirms_writes_without_response() => return self.confirmed().await,
                StartResult::Started | StartResult::Done => return Ok(()),
                StartResult::NotReady => self.ready().await?,
                StartResult::Busy => {
                    return Err(TransportError::Other(
                        "the phone's Bluetooth stayed busy; nothing was sent".into(),
                    ))
                }
                StartResult::Failed(e) => return Err(e.into_transport()),
            }
        }
        Err(TransportError::Other(
            "the phone's Bluetooth was never ready to send".into(),
        ))
    }

    async fn next_notification(&mut self, timeout: Duration) -> Result<Vec<u8>, TransportError> {
        let until = Instant::now() + timeout;
        loop {
            if let Some(value) = self.notifications.pop_front() {
                return Ok(value);
            }
            if !self.open {
                return Err(TransportError::Disconnected);
            }
            if matches!(self.next_event(until).await?, Next::TimedOut) && self.notifications.is_empty() {
                return Err(TransportError::Timeout(timeout));
            }
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn disconnect(&mut self) {
        self.close();
    }
}

impl Drop for CentralLink {
    fn drop(&mut self) {
        // A cancelled command drops its link: the platform's connection
        // closes at once (a plain call, no runtime needed).
        self.close();
    }
}
