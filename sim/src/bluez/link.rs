//! The connection as the lock sees it: which central is connected and at
//! what MTU, the TX notification session, and the queue of response frames
//! (notified in order, one packet per notification).

use crate::Peripheral;
use bluer::gatt::local::CharacteristicNotifier;
use bluer::{Adapter, AdapterEvent, Address, DeviceEvent, DeviceProperty};
use futures::StreamExt;
use latchkey_protocol::framing::{fragment, MIN_MTU};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;

/// What crossed the link since the peripheral started: tests count a
/// command's packets with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeripheralStats {
    /// Packets written to RX.
    pub packets_in: u64,
    /// Response frames handed to the link.
    pub frames_out: u64,
    /// Packets notified on TX.
    pub packets_out: u64,
    /// Response frames dropped: no central subscribed to TX, the
    /// notification failed, or the frame was over the framing limit.
    pub frames_dropped: u64,
    /// Centrals that connected.
    pub connects: u64,
    /// Centrals that disconnected.
    pub disconnects: u64,
    /// Times the advertisement was (re-)registered.
    pub advertisements: u64,
    /// Whether the advertisement carries the service UUID (false when the
    /// controller only fits the manufacturer data).
    pub advertises_service_uuid: bool,
}

#[derive(Default)]
struct Counters {
    packets_in: AtomicU64,
    frames_out: AtomicU64,
    packets_out: AtomicU64,
    frames_dropped: AtomicU64,
    connects: AtomicU64,
    disconnects: AtomicU64,
    advertisements: AtomicU64,
    service_uuid: AtomicU64,
}

struct LinkState {
    central: Option<Address>,
    mtu: u16,
}

/// State shared by the GATT callbacks and the peripheral's tasks.
pub(crate) struct Shared {
    peripheral: Arc<Mutex<dyn Peripheral>>,
    link: Mutex<LinkState>,
    notifier: tokio::sync::Mutex<Option<CharacteristicNotifier>>,
    frames: mpsc::UnboundedSender<Vec<u8>>,
    counters: Counters,
    /// Set when the peripheral stops: late callbacks must not touch the
    /// model, which a new peripheral may already serve.
    stopped: AtomicBool,
    /// Wakes the advertiser after a request (the challenge may have moved).
    pub(crate) advertisement_may_have_changed: Notify,
}

impl Shared {
    pub(crate) fn new(peripheral: Arc<Mutex<dyn Peripheral>>) -> (Arc<Self>, mpsc::UnboundedReceiver<Vec<u8>>) {
        let (frames, queue) = mpsc::unbounded_channel();
        let shared = Arc::new(Self {
            peripheral,
            link: Mutex::new(LinkState {
                central: None,
                mtu: MIN_MTU,
            }),
            notifier: tokio::sync::Mutex::new(None),
            frames,
            counters: Counters::default(),
            stopped: AtomicBool::new(false),
            advertisement_may_have_changed: Notify::new(),
        });
        (shared, queue)
    }

    /// Runs `f` on the peripheral model (`None` once stopped). The model's
    /// lock is never held across an await.
    pub(crate) fn with_peripheral<R>(&self, f: impl FnOnce(&mut dyn Peripheral) -> R) -> Option<R> {
        if self.stopped.load(Ordering::SeqCst) {
            return None;
        }
        let mut guard = self.peripheral.lock().unwrap_or_else(|p| p.into_inner());
        Some(f(&mut *guard))
    }

    /// From now on, callbacks leave the model alone.
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    fn link(&self) -> MutexGuard<'_, LinkState> {
        self.link.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One packet written to RX by `central` at `mtu`.
    pub(crate) fn on_write(&self, central: Address, mtu: u16, packet: &[u8]) {
        self.central_connected(central);
        if mtu >= MIN_MTU {
            self.link().mtu = mtu;
        }
        self.counters.packets_in.fetch_add(1, Ordering::Relaxed);
        if let Some(frame) = self.with_peripheral(|p| p.on_packet(packet)).flatten() {
            self.queue_frame(frame);
        }
        self.advertisement_may_have_changed.notify_one();
    }

    /// Hands a response frame to the sender task.
    pub(crate) fn queue_frame(&self, frame: Vec<u8>) {
        if self.frames.send(frame).is_err() {
            self.counters.frames_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A central subscribed to TX.
    pub(crate) async fn set_notifier(&self, notifier: CharacteristicNotifier) {
        *self.notifier.lock().await = Some(notifier);
    }

    /// `central` is connected (idempotent). A write can arrive before the
    /// `Connected` signal is processed, so both paths come here.
    fn central_connected(&self, central: Address) {
        let mut link = self.link();
        if link.central == Some(central) {
            return;
        }
        let replaced = link.central.replace(central).is_some();
        link.mtu = MIN_MTU;
        drop(link);
        self.with_peripheral(|p| {
            if replaced {
                p.on_disconnect();
            }
            p.on_connect(MIN_MTU);
        });
        self.counters.connects.fetch_add(1, Ordering::Relaxed);
    }

    fn central_disconnected(&self, central: Address) {
        let mut link = self.link();
        if link.central != Some(central) {
            return;
        }
        link.central = None;
        drop(link);
        self.with_peripheral(|p| p.on_disconnect());
        self.counters.disconnects.fetch_add(1, Ordering::Relaxed);
    }

    /// Forgets the connected central (the peripheral is stopping) and
    /// returns it.
    pub(crate) fn take_central(&self) -> Option<Address> {
        self.link().central.take()
    }

    pub(crate) fn note_advertisement(&self, with_service_uuid: bool) {
        self.counters.advertisements.fetch_add(1, Ordering::Relaxed);
        self.counters
            .service_uuid
            .store(u64::from(with_service_uuid), Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> PeripheralStats {
        let c = &self.counters;
        PeripheralStats {
            packets_in: c.packets_in.load(Ordering::Relaxed),
            frames_out: c.frames_out.load(Ordering::Relaxed),
            packets_out: c.packets_out.load(Ordering::Relaxed),
            frames_dropped: c.frames_dropped.load(Ordering::Relaxed),
            connects: c.connects.load(Ordering::Relaxed),
            disconnects: c.disconnects.load(Ordering::Relaxed),
            advertisements: c.advertisements.load(Ordering::Relaxed),
            advertises_service_uuid: c.service_uuid.load(Ordering::Relaxed) == 1,
        }
    }

    async fn notify_frame(&self, frame: &[u8]) -> bool {
        let mtu = self.link().mtu;
        // A frame over the framing limit is a peripheral bug; the phone
        // would reject it anyway.
        let Ok(packets) = fragment(frame, mtu) else {
            return false;
        };
        let mut notifier = self.notifier.lock().await;
        for packet in packets {
            let Some(session) = notifier.as_mut() else {
                return false;
            };
            if session.notify(packet).await.is_err() {
                *notifier = None;
                return false;
            }
            self.counters.packets_out.fetch_add(1, Ordering::Relaxed);
        }
        true
    }
}

/// Notifies queued response frames, in order.
pub(crate) async fn send_frames(shared: Arc<Shared>, mut frames: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(frame) = frames.recv().await {
        let counter = if shared.notify_frame(&frame).await {
            &shared.counters.frames_out
        } else {
            &shared.counters.frames_dropped
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Follows the `Connected` property of every device on the adapter: a
/// central that connects to the lock shows up as one.
pub(crate) async fn watch_centrals(adapter: Adapter, shared: Arc<Shared>) {
    let Ok(mut events) = adapter.events().await else {
        return;
    };
    // Dropped with this task, so no watcher outlives the peripheral.
    let mut watchers = JoinSet::new();
    let mut watched = HashSet::new();
    if let Ok(known) = adapter.device_addresses().await {
        for address in known {
            watch_device(&adapter, &shared, address, &mut watchers, &mut watched).await;
        }
    }
    while let Some(event) = events.next().await {
        match event {
            AdapterEvent::DeviceAdded(address) => {
                watch_device(&adapter, &shared, address, &mut watchers, &mut watched).await
            }
            AdapterEvent::DeviceRemoved(address) => {
                watched.remove(&address);
                shared.central_disconnected(address);
            }
            AdapterEvent::PropertyChanged(_) => {}
        }
    }
}

async fn watch_device(
    adapter: &Adapter,
    shared: &Arc<Shared>,
    address: Address,
    watchers: &mut JoinSet<()>,
    watched: &mut HashSet<Address>,
) {
    if !watched.insert(address) {
        return;
    }
    let Ok(device) = adapter.device(address) else {
        return;
    };
    let Ok(mut events) = device.events().await else {
        return;
    };
    if device.is_connected().await.unwrap_or(false) {
        shared.central_connected(address);
    }
    let shared = shared.clone();
    watchers.spawn(async move {
        while let Some(DeviceEvent::PropertyChanged(property)) = events.next().await {
            match property {
                DeviceProperty::Connected(true) => shared.central_connected(address),
                DeviceProperty::Connected(false) => shared.central_disconnected(address),
                _ => {}
            }
        }
    });
}
