//! One GATT connection to a lock: RX writes, TX notifications, disconnect
//! detection.

use super::super::{Link, TransportError};
use super::errors::Cause;
use async_trait::async_trait;
use btleplug::api::{Central, CentralEvent, Characteristic, Peripheral as _, ValueNotification, WriteType};
use btleplug::platform::{Adapter, Peripheral};
use futures::stream::BoxStream;
use futures::StreamExt;
use std::pin::Pin;
use std::time::{Duration, Instant};

/// How long a single GATT write may take before the link counts as lost.
const WRITE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long the courtesy steps of a disconnect may take.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

type Notifications = Pin<Box<dyn futures::Stream<Item = ValueNotification> + Send>>;

/// A connected lock.
pub(crate) struct BleLink {
    pub(crate) adapter_name: String,
    pub(crate) peripheral: Peripheral,
    pub(crate) rx: Characteristic,
    pub(crate) tx: Characteristic,
    pub(crate) write_type: WriteType,
    pub(crate) mtu: u16,
    pub(crate) notifications: Notifications,
    /// The adapter's events, filtered to this device's disconnection.
    pub(crate) disconnects: BoxStream<'static, ()>,
    pub(crate) opened: Instant,
    /// `disconnect` ran.
    pub(crate) closed: bool,
    /// The link was seen to drop: nothing more can cross it.
    pub(crate) lost: bool,
}

impl BleLink {
    /// This device's disconnections, from the adapter's event stream.
    pub(crate) async fn disconnects_of(
        adapter: &Adapter,
        peripheral: &Peripheral,
    ) -> Result<BoxStream<'static, ()>, btleplug::Error> {
        let id = peripheral.id();
        let events = adapter.events().await?;
        Ok(events
            .filter_map(move |event| {
                let gone = matches!(event, CentralEvent::DeviceDisconnected(ref d) if *d == id);
                async move { gone.then_some(()) }
            })
            .boxed())
    }

    fn fail(&self, error: &btleplug::Error, timeout: Duration) -> TransportError {
        Cause::of(error).into_error(&self.adapter_name, timeout)
    }
}

#[async_trait]
impl Link for BleLink {
    fn mtu(&self) -> u16 {
        self.mtu
    }

    /// A write whose fate is unknown (it may have reached the lock: see
    /// [`Cause::write_may_have_arrived`]) counts as written, so the engine
    /// treats the request as possibly delivered and the answer wait
    /// decides; reporting it as failed would let the phone say "nothing
    /// happened at the door" after the bolt moved.
    async fn write(&mut self, packet: &[u8]) -> Result<(), TransportError> {
        if self.closed || self.lost {
            return Err(TransportError::Disconnected);
        }
        let write = self.peripheral.write(&self.rx, packet, self.write_type);
        match tokio::time::timeout(WRITE_TIMEOUT, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                let cause = Cause::of(&e);
                if cause.write_may_have_arrived(self.write_type == WriteType::WithResponse) {
                    Ok(())
                } else {
                    Err(self.fail(&e, WRITE_TIMEOUT))
                }
            }
            // BlueZ may have sent it and hung afterwards: unknown too.
            Err(_) => Ok(()),
        }
    }

    async fn next_notification(&mut self, timeout: Duration) -> Result<Vec<u8>, TransportError> {
        if self.closed || self.lost {
            return Err(TransportError::Disconnected);
        }
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            tokio::select! {
                notification = self.notifications.next() => match notification {
                    Some(n) if n.uuid == self.tx.uuid => return Ok(n.value),
                    Some(_) => continue,
                    None => break,
                },
                _ = self.disconnects.next() => break,
                _ = tokio::time::sleep_until(deadline) => return Err(TransportError::Timeout(timeout)),
            }
        }
        self.lost = true;
        Err(TransportError::Disconnected)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn disconnect(&mut self) {
        if std::mem::replace(&mut self.closed, true) {
            return;
        }
        // Unsubscribing first leaves BlueZ (and mocks that keep per-link
        // notification state) clean for the next connection.
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, self.peripheral.unsubscribe(&self.tx)).await;
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, self.peripheral.disconnect()).await;
    }
}

impl Drop for BleLink {
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        // Dropped without disconnect (e.g. the command was cancelled):
        // release the connection in the background when a runtime runs.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let peripheral = self.peripheral.clone();
            let tx = self.tx.clone();
            runtime.spawn(async move {
                let _ = tokio::time::timeout(CLOSE_TIMEOUT, peripheral.unsubscribe(&tx)).await;
                let _ = tokio::time::timeout(CLOSE_TIMEOUT, peripheral.disconnect()).await;
            });
        }
    }
}
