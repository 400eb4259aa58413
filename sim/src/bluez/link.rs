//! The connection as the lock sees it: which central is connected and at
//! what MTU, the TX notification session, and the queue of response frames
//! (notified in order, one packet per notification), with a record of how
//! many writes and notifications each answer took.

use crate::Peripheral;
use bluer::gatt::local::CharacteristicNotifier;
use bluer::gatt::WriteOp;
use bluer::{Adapter, AdapterEvent, Address, DeviceEvent, DeviceProperty};
use futures::StreamExt;
use latchkey_protocol::framing::{fragment, MIN_MTU};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;

/// Answers whose writes and notifications are kept for inspection.
const MAX_EXCHANGES_KEPT: usize = 1024;

/// What crossed the link since the peripheral started: tests count a
/// command's packets with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeripheralStats {
    /// Packets written to RX.
    pub packets_in: u64,
    /// Of those, written with response (ATT Write Request).
    pub writes_with_response: u64,
    /// Of those, written without response (ATT Write Command).
    pub writes_without_response: u64,
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

/// One response frame and what it took on the air: how many RX writes
/// completed the request it answers, and how many TX notifications carried
/// it. Tests check "one write, one notification" per command with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExchangeRecord {
    /// RX writes since the previous response frame (0 for a frame the lock
    /// sent on its own, e.g. a reassembly timeout).
    pub writes: u32,
    /// TX notifications sent for this frame.
    pub notifications: u32,
    /// Length of the response frame.
    pub answer_len: usize,
    /// Whether every notification of the frame went out.
    pub delivered: bool,
}

/// A response frame waiting to be notified.
pub(crate) struct QueuedFrame {
    frame: Vec<u8>,
    writes: u32,
}

#[derive(Default)]
struct Counters {
    packets_in: AtomicU64,
    writes_with_response: AtomicU64,
    writes_without_response: AtomicU64,
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
    /// RX writes since the last response frame was queued.
    writes_pending: u32,
}

/// State shared by the GATT callbacks and the peripheral's tasks.
pub(crate) struct Shared {
    peripheral: Arc<Mutex<dyn Peripheral>>,
    link: Mutex<LinkState>,
    notifier: tokio::sync::Mutex<Option<CharacteristicNotifier>>,
    frames: mpsc::UnboundedSender<QueuedFrame>,
    counters: Counters,
    /// The newest answers' writes and notifications, oldest first.
    exchanges: Mutex<Vec<ExchangeRecord>>,
    /// How long each response frame is held before it is notified.
    answer_delay: Duration,
    /// Set when the peripheral stops: late callbacks must not touch the
    /// model, which a new peripheral may already serve.
    stopped: AtomicBool,
    /// Wakes the advertiser after a request (the challenge may have moved).
    pub(crate) advertisement_may_have_changed: Notify,
}

impl Shared {
    pub(crate) fn new(
        peripheral: Arc<Mutex<dyn Peripheral>>,
        answer_delay: Duration,
    ) -> (Arc<Self>, mpsc::UnboundedReceiver<QueuedFrame>) {
        let (frames, queue) = mpsc::unbounded_channel();
        let shared = Arc::new(Self {
            peripheral,
            link: Mutex::new(LinkState {
                central: None,
                mtu: MIN_MTU,
                writes_pending: 0,
            }),
            notifier: tokio::sync::Mutex::new(None),
            frames,
            counters: Counters::default(),
            exchanges: Mutex::new(Vec::new()),
            answer_delay,
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

    /// One packet written to RX by `central` at `mtu`, with (`Request`) or
    /// without (`Command`) response.
    pub(crate) fn on_write(&self, central: Address, mtu: u16, op: WriteOp, packet: &[u8]) {
        self.central_connected(central);
        {
            let mut link = self.link();
            if mtu >= MIN_MTU {
                link.mtu = mtu;
            }
            link.writes_pending += 1;
        }
        self.counters.packets_in.fetch_add(1, Ordering::Relaxed);
        let by_op = match op {
            WriteOp::Command => &self.counters.writes_without_response,
            _ => &self.counters.writes_with_response,
        };
        by_op.fetch_add(1, Ordering::Relaxed);
        if let Some(frame) = self.with_peripheral(|p| p.on_packet(packet)).flatten() {
            self.queue_frame(frame);
        }
        self.advertisement_may_have_changed.notify_one();
    }

    /// Hands a response frame to the sender task.
    pub(crate) fn queue_frame(&self, frame: Vec<u8>) {
        let writes = std::mem::take(&mut self.link().writes_pending);
        if self.frames.send(QueuedFrame { frame, writes }).is_err() {
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
        link.writes_pending = 0;
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
            writes_with_response: c.writes_with_response.load(Ordering::Relaxed),
            writes_without_response: c.writes_without_response.load(Ordering::Relaxed),
            frames_out: c.frames_out.load(Ordering::Relaxed),
            packets_out: c.packets_out.load(Ordering::Relaxed),
            frames_dropped: c.frames_dropped.load(Ordering::Relaxed),
            connects: c.connects.load(Ordering::Relaxed),
            disconnects: c.disconnects.load(Ordering::Relaxed),
            advertisements: c.advertisements.load(Ordering::Relaxed),
            advertises_service_uuid: c.service_uuid.load(Ordering::Relaxed) == 1,
        }
    }

    /// The response frames so far, oldest first.
    pub(crate) fn exchanges(&self) -> Vec<ExchangeRecord> {
        self.exchanges.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Notifies `frame` packet by packet; returns how many notifications
    /// went out and whether that was all of them.
    async fn notify_frame(&self, frame: &[u8]) -> (u32, bool) {
        let mtu = self.link().mtu;
        // A frame over the framing limit is a peripheral bug; the phone
        // would reject it anyway.
        let Ok(packets) = fragment(frame, mtu) else {
            return (0, false);
        };
        let mut notifier = self.notifier.lock().await;
        let mut sent = 0;
        for packet in packets {
            let Some(session) = notifier.as_mut() else {
                return (sent, false);
            };
            if session.notify(packet).await.is_err() {
                *notifier = None;
                return (sent, false);
            }
            sent += 1;
            self.counters.packets_out.fetch_add(1, Ordering::Relaxed);
        }
        (sent, true)
    }
}

/// Notifies queued response frames, in order.
pub(crate) async fn send_frames(shared: Arc<Shared>, mut frames: mpsc::UnboundedReceiver<QueuedFrame>) {
    while let Some(queued) = frames.recv().await {
        if !shared.answer_delay.is_zero() {
            tokio::time::sleep(shared.answer_delay).await;
        }
        let (notifications, delivered) = shared.notify_frame(&queued.frame).await;
        let counter = if delivered {
            &shared.counters.frames_out
        } else {
            &shared.counters.frames_dropped
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let mut exchanges = shared.exchanges.lock().unwrap_or_else(|p| p.into_inner());
        // A peripheral may serve a real lock's traffic for weeks: keep the
        // newest answers only.
        if exchanges.len() >= MAX_EXCHANGES_KEPT {
            exchanges.remove(0);
        }
        exchanges.push(ExchangeRecord {
            writes: queued.writes,
            notifications,
            answer_len: queued.frame.len(),
            delivered,
        });
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
