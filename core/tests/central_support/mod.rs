//! A scripted platform central for the quirk tests: it records every
//! operation the driver starts and answers each with what a real phone's
//! stack does (a start result, then callbacks after a delay), by default a
//! well-behaved phone and lock; a test overrides the step it is about.

#![allow(dead_code, unreachable_pub)] // each test binary uses a part

use latchkey_core::transport::central::{
    CentralEvent, CentralOps, CentralTimings, ConnId, GattCentral, PlatformScanFilter, ScanBudget, ScanId, StartResult,
    ANDROID_SCAN_BUDGET,
};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

/// One operation the driver started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    StartScan(ScanId),
    StopScan(ScanId),
    Connect(ConnId, String),
    RequestMtu(ConnId, u16),
    Discover(ConnId),
    Subscribe(ConnId),
    Write(ConnId, Vec<u8>),
    Close(ConnId),
}

/// What the platform answers to one operation: the call's result, then
/// callbacks after delays (ms).
pub struct Reply {
    pub start: StartResult,
    pub later: Vec<(u64, CentralEvent)>,
}

impl Reply {
    pub fn started(later: Vec<(u64, CentralEvent)>) -> Self {
        Self {
            start: StartResult::Started,
            later,
        }
    }
    pub fn just(start: StartResult) -> Self {
        Self { start, later: vec![] }
    }
}

type Rule = Box<dyn Fn(&Op, usize) -> Option<Reply> + Send + Sync>;

/// The scripted platform.
pub struct Fake {
    central: OnceLock<Weak<GattCentral>>,
    pub ops: Mutex<Vec<Op>>,
    rules: Mutex<Vec<Rule>>,
    confirms: bool,
}

/// The phone a test drives: the driver and its scripted platform.
pub struct Phone {
    pub fake: Arc<Fake>,
    pub central: Arc<GattCentral>,
}

/// Short waits, so a test's virtual time stays small.
pub fn timings() -> CentralTimings {
    CentralTimings {
        mtu_wait: Duration::from_millis(500),
        write_wait: Duration::from_millis(800),
        busy_retry: Duration::from_millis(20),
        busy_tries: 10,
    }
}

fn phone(confirms: bool, budget: ScanBudget) -> Phone {
    let fake = Arc::new(Fake {
        central: OnceLock::new(),
        ops: Mutex::new(Vec::new()),
        rules: Mutex::new(Vec::new()),
        confirms,
    });
    let central = Arc::new(GattCentral::with_timings(fake.clone(), budget, timings()));
    let _ = fake.central.set(Arc::downgrade(&central));
    Phone { fake, central }
}

/// Android: writes without response are confirmed, five scans per 30 s.
pub fn android() -> Phone {
    phone(true, ScanBudget::per_window(ANDROID_SCAN_BUDGET))
}

/// CoreBluetooth: no confirmation of writes without response, no budget.
pub fn apple() -> Phone {
    phone(false, ScanBudget::unlimited())
}

impl Fake {
    /// Adds a rule tried before the defaults (and before earlier rules);
    /// `None` falls through. The second argument counts earlier operations
    /// of the same kind.
    pub fn on(&self, rule: impl Fn(&Op, usize) -> Option<Reply> + Send + Sync + 'static) {
        self.rules.lock().unwrap().insert(0, Box::new(rule));
    }

    /// Every operation started so far.
    pub fn log(&self) -> Vec<Op> {
        self.ops.lock().unwrap().clone()
    }

    /// Delivers `event` now, as a platform thread would.
    pub fn deliver(&self, event: CentralEvent) {
        if let Some(c) = self.central.get().and_then(Weak::upgrade) {
            c.deliver(event);
        }
    }

    fn act(&self, op: Op) -> StartResult {
        let same_kind = {
            let mut ops = self.ops.lock().unwrap();
            let n = ops
                .iter()
                .filter(|o| std::mem::discriminant(*o) == std::mem::discriminant(&op))
                .count();
            ops.push(op.clone());
            n
        };
        let custom = self.rules.lock().unwrap().iter().find_map(|r| r(&op, same_kind));
        let reply = custom.unwrap_or_else(|| self.default_reply(&op));
        for (delay, event) in reply.later {
            let central = self.central.get().cloned();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(delay)).await;
                if let Some(c) = central.and_then(|w| w.upgrade()) {
                    c.deliver(event);
                }
            });
        }
        reply.start
    }

    /// A well-behaved phone and lock.
    fn default_reply(&self, op: &Op) -> Reply {
        match op {
            Op::Connect(conn, _) => Reply::started(vec![(30, CentralEvent::Connected { conn: *conn, status: 0 })]),
            Op::RequestMtu(conn, _) => Reply::started(vec![(
                10,
                CentralEvent::MtuChanged {
                    conn: *conn,
                    mtu: 517,
                    status: 0,
                },
            )]),
            Op::Discover(conn) => Reply::started(vec![(
                20,
                CentralEvent::ServicesDiscovered {
                    conn: *conn,
                    status: 0,
                    latchkey_service: true,
                },
            )]),
            Op::Subscribe(conn) => Reply::started(vec![(10, CentralEvent::Subscribed { conn: *conn, status: 0 })]),
            Op::Write(conn, _) if self.confirms => {
                Reply::started(vec![(5, CentralEvent::WriteDone { conn: *conn, status: 0 })])
            }
            Op::Write(..) => Reply::just(StartResult::Done),
            Op::StartScan(_) => Reply::just(StartResult::Started),
            Op::StopScan(_) | Op::Close(_) => Reply::just(StartResult::Done),
        }
    }
}

impl CentralOps for Fake {
    fn start_scan(&self, scan: ScanId, _filter: &PlatformScanFilter) -> StartResult {
        self.act(Op::StartScan(scan))
    }
    fn stop_scan(&self, scan: ScanId) {
        self.act(Op::StopScan(scan));
    }
    fn connect(&self, conn: ConnId, address: &str) -> StartResult {
        self.act(Op::Connect(conn, address.to_string()))
    }
    fn request_mtu(&self, conn: ConnId, mtu: u16) -> StartResult {
        self.act(Op::RequestMtu(conn, mtu))
    }
    fn discover(&self, conn: ConnId) -> StartResult {
        self.act(Op::Discover(conn))
    }
    fn subscribe(&self, conn: ConnId) -> StartResult {
        self.act(Op::Subscribe(conn))
    }
    fn write(&self, conn: ConnId, value: &[u8], _with_response: bool) -> StartResult {
        self.act(Op::Write(conn, value.to_vec()))
    }
    fn close(&self, conn: ConnId) {
        self.act(Op::Close(conn));
    }
    fn confirms_writes_without_response(&self) -> bool {
        self.confirms
    }
}

/// The connection ids the driver connected, in order.
pub fn connections(fake: &Fake) -> Vec<ConnId> {
    fake.log()
        .iter()
        .filter_map(|o| match o {
            Op::Connect(c, _) => Some(*c),
            _ => None,
        })
        .collect()
}

/// Whether connection `conn` was closed.
pub fn closed(fake: &Fake, conn: ConnId) -> bool {
    fake.log().contains(&Op::Close(conn))
}

/// The sizes of every write, in order.
pub fn write_sizes(fake: &Fake) -> Vec<usize> {
    fake.log()
        .iter()
        .filter_map(|o| match o {
            Op::Write(_, v) => Some(v.len()),
            _ => None,
        })
        .collect()
}
