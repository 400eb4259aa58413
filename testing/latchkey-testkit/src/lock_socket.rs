//! A simulated world's radio served to other processes over a Unix
//! socket, and the [`Transport`] those processes use to reach it: how a
//! test or the benchmark puts one simulated lock in front of several
//! processes at once (the app's, a widget's, a watch's), as one real lock
//! stands in front of them all.
//!
//! The serving process keeps the world (its locks and virtual clock); a
//! client process gets a [`SocketTransport`] for the socket's path. Each
//! scan and each link is one connection to the socket, carrying one
//! request line and one answer line at a time:
//!
//! ```text
//! scan <timeout_ms> <first_match 0|1> <short id hex | ->   ok [<address>,<rssi>,<advertisement hex>;…]
//! connect <address> <timeout_ms>                           ok <mtu>
//! write <packet hex>                                       ok
//! notify <timeout_ms>                                      ok <packet hex>
//! now                                                      ok <virtual ms>
//! ```
//!
//! A failure answers `err <kind> <detail>`, the transport error it stands
//! for. A client that dies (even by `kill -9`) closes its connections, and
//! the server drops the link with them, as a lock notices a phone gone.
//! The server notes when each link's first packet arrives
//! ([`LockSocket::first_writes`]): the benchmark's "first byte handed to
//! the transport".

use crate::transport::SimTransport;
use async_trait::async_trait;
use latchkey_core::transport::{Link, ScanFilter, ScannedLock, Transport, TransportError};
use latchkey_protocol::{hex, Advertisement};
use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// A world's radio served on a Unix socket until dropped.
pub struct LockSocket {
    path: PathBuf,
    stop: Arc<AtomicBool>,
    first_writes: Arc<Mutex<Vec<Instant>>>,
    /// Connections still being served (a dead client's last lines too).
    open: Arc<AtomicUsize>,
    accepter: Option<std::thread::JoinHandle<()>>,
}

/// Counts a connection as open until dropped.
struct Serving(Arc<AtomicUsize>);

impl Drop for Serving {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl LockSocket {
    /// Serves `transport`'s radio at `path` (a file that must not exist).
    pub fn serve(path: &Path, transport: SimTransport) -> std::io::Result<Self> {
        let listener = UnixListener::bind(path)?;
        let stop = Arc::new(AtomicBool::new(false));
        let first_writes = Arc::new(Mutex::new(Vec::new()));
        let open = Arc::new(AtomicUsize::new(0));
        let accepter = {
            let (stop, first_writes, open) = (stop.clone(), first_writes.clone(), open.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let (transport, first_writes) = (transport.clone(), first_writes.clone());
                    open.fetch_add(1, Ordering::SeqCst);
                    let serving = Serving(open.clone());
                    std::thread::spawn(move || {
                        serve_connection(stream, transport, &first_writes);
                        drop(serving);
                    });
                }
            })
        };
        Ok(Self {
            path: path.to_path_buf(),
            stop,
            first_writes,
            open,
            accepter: Some(accepter),
        })
    }

    /// Where it listens.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits up to `patience` until no connection is being served: every
    /// line a client sent, a killed one's included, has reached the lock.
    /// `false` when some still were after `patience`.
    pub fn wait_idle(&self, patience: Duration) -> bool {
        let started = Instant::now();
        while self.open.load(Ordering::SeqCst) > 0 {
            if started.elapsed() >= patience {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        true
    }

    /// When each link's first packet arrived, in arrival order.
    pub fn first_writes(&self) -> Vec<Instant> {
        self.first_writes.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for LockSocket {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so it sees the stop.
        let _ = UnixStream::connect(&self.path);
        if let Some(t) = self.accepter.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The simulated transport never waits for real: its futures are ready
/// when first polled.
fn now_or_never<T>(future: impl Future<Output = T>) -> Option<T> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

fn serve_connection(stream: UnixStream, transport: SimTransport, first_writes: &Mutex<Vec<Instant>>) {
    let Ok(mut out) = stream.try_clone() else { return };
    let mut link: Option<Box<dyn Link>> = None;
    let mut wrote = false;
    for line in BufReader::new(stream).lines() {
        let Ok(line) = line else { break };
        let mut words = line.split(' ');
        let answer = match (words.next(), words.next(), words.next(), words.next()) {
            (Some("scan"), Some(ms), Some(first), Some(id)) => scan(&transport, ms, first, id),
            (Some("connect"), Some(address), Some(ms), None) => now_or_never(transport.connect(address, millis(ms)))
                .map(|r| {
                    r.map(|l| {
                        let mtu = l.mtu();
                        link = Some(l);
                        mtu.to_string()
                    })
                }),
            (Some("write"), Some(packet), None, None) => match (&mut link, hex::decode(packet)) {
                (Some(l), Some(bytes)) => {
                    if !wrote {
                        wrote = true;
                        first_writes
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(Instant::now());
                    }
                    now_or_never(l.write(&bytes)).map(|r| r.map(|()| String::new()))
                }
                _ => Some(Err(TransportError::Other("write without a link, or not hex".into()))),
            },
            (Some("notify"), Some(ms), None, None) => match &mut link {
                Some(l) => now_or_never(l.next_notification(millis(ms))).map(|r| r.map(|p| hex::encode(&p))),
                None => Some(Err(TransportError::Disconnected)),
            },
            (Some("now"), None, None, None) => Some(Ok(link.as_ref().map_or(0, |l| l.now_ms()).to_string())),
            _ => Some(Err(TransportError::Other(format!("not a request: {line}")))),
        };
        let answer = answer.unwrap_or_else(|| Err(TransportError::Other("the simulated radio waited".into())));
        let text = match answer {
            Ok(body) => format!("ok {body}\n"),
            Err(e) => format!("err {}\n", encode_error(&e)),
        };
        if out.write_all(text.as_bytes()).is_err() {
            break;
        }
    }
    if let Some(mut l) = link {
        let _ = now_or_never(l.disconnect());
    }
}

fn scan(transport: &SimTransport, ms: &str, first: &str, id: &str) -> Option<Result<String, TransportError>> {
    let short_lock_id = hex::decode(id).and_then(|b| <[u8; 4]>::try_from(b).ok());
    let filter = ScanFilter {
        short_lock_id,
        first_match: first == "1",
    };
    now_or_never(transport.scan(&filter, millis(ms))).map(|r| {
        r.map(|found| {
            let each: Vec<String> = found
                .iter()
                .map(|l| format!("{},{},{}", l.address, l.rssi, hex::encode(&l.advertisement.encode())))
                .collect();
            each.join(";")
        })
    })
}

fn millis(text: &str) -> Duration {
    Duration::from_millis(text.parse().unwrap_or(0))
}

fn encode_error(e: &TransportError) -> String {
    let ms = |d: &Duration| d.as_millis().to_string();
    match e {
        TransportError::BluetoothOff => "off -".into(),
        TransportError::Blocked(s) => format!("blocked {s}"),
        TransportError::NotReady(s) => format!("not_ready {s}"),
        TransportError::PermissionDenied(s) => format!("permission {s}"),
        TransportError::Unavailable(s) => format!("unavailable {s}"),
        TransportError::NotFound(d) => format!("not_found {}", ms(d)),
        TransportError::ConnectTimeout(d) => format!("connect_timeout {}", ms(d)),
        TransportError::Timeout(d) => format!("timeout {}", ms(d)),
        TransportError::Disconnected => "disconnected -".into(),
        TransportError::ScanThrottled(d) => format!("throttled {}", ms(d)),
        TransportError::Other(s) => format!("other {s}"),
    }
}

fn decode_error(text: &str) -> TransportError {
    let (kind, detail) = text.split_once(' ').unwrap_or((text, ""));
    let d = || millis(detail);
    match kind {
        "off" => TransportError::BluetoothOff,
        "blocked" => TransportError::Blocked(detail.into()),
        "not_ready" => TransportError::NotReady(detail.into()),
        "permission" => TransportError::PermissionDenied(detail.into()),
        "unavailable" => TransportError::Unavailable(detail.into()),
        "not_found" => TransportError::NotFound(d()),
        "connect_timeout" => TransportError::ConnectTimeout(d()),
        "timeout" => TransportError::Timeout(d()),
        "disconnected" => TransportError::Disconnected,
        "throttled" => TransportError::ScanThrottled(d()),
        _ => TransportError::Other(detail.into()),
    }
}

/// One request-and-answer conversation with the socket.
struct Conversation {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Conversation {
    fn open(path: &Path) -> Result<Self, TransportError> {
        let stream = UnixStream::connect(path)
            .map_err(|e| TransportError::Unavailable(format!("no simulated lock at {}: {e}", path.display())))?;
        let writer = stream.try_clone().map_err(|e| TransportError::Other(e.to_string()))?;
        Ok(Self {
            reader: BufReader::new(stream),
            writer,
        })
    }

    fn ask(&mut self, request: &str) -> Result<String, TransportError> {
        let gone = |e: std::io::Error| TransportError::Other(format!("the simulated lock's process is gone: {e}"));
        self.writer.write_all(format!("{request}\n").as_bytes()).map_err(gone)?;
        let mut line = String::new();
        if self.reader.read_line(&mut line).map_err(gone)? == 0 {
            return Err(TransportError::Disconnected);
        }
        let line = line.trim_end_matches('\n');
        match line.split_once(' ') {
            Some(("ok", body)) => Ok(body.to_string()),
            Some(("err", e)) => Err(decode_error(e)),
            _ => Err(TransportError::Other(format!("not an answer: {line}"))),
        }
    }
}

/// A [`Transport`] reaching the locks a [`LockSocket`] serves.
#[derive(Debug, Clone)]
pub struct SocketTransport {
    path: PathBuf,
}

impl SocketTransport {
    /// The transport for the socket at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }
}

#[async_trait]
impl Transport for SocketTransport {
    async fn scan(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        let id = filter.short_lock_id.map_or_else(|| "-".into(), |id| hex::encode(&id));
        let first = u8::from(filter.first_match);
        let body = Conversation::open(&self.path)?.ask(&format!("scan {} {first} {id}", timeout.as_millis()))?;
        let mut found = Vec::new();
        for item in body.split(';').filter(|s| !s.is_empty()) {
            let mut parts = item.split(',');
            let (Some(address), Some(rssi), Some(ad)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(TransportError::Other(format!("not a scan result: {item}")));
            };
            let advertisement = hex::decode(ad)
                .and_then(|b| Advertisement::decode(&b).ok())
                .ok_or_else(|| TransportError::Other(format!("not an advertisement: {ad}")))?;
            found.push(ScannedLock {
                address: address.to_string(),
                rssi: rssi.parse().unwrap_or(-127),
                advertisement,
            });
        }
        Ok(found)
    }

    async fn connect(&self, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
        let mut conversation = Conversation::open(&self.path)?;
        let mtu = conversation.ask(&format!("connect {address} {}", timeout.as_millis()))?;
        let mtu = mtu
            .parse()
            .map_err(|_| TransportError::Other(format!("not an MTU: {mtu}")))?;
        Ok(Box::new(SocketLink {
            conversation: Mutex::new(conversation),
            mtu,
        }))
    }
}

struct SocketLink {
    // A mutex only because `now_ms` takes `&self`; one caller at a time.
    conversation: Mutex<Conversation>,
    mtu: u16,
}

impl SocketLink {
    fn ask(&self, request: &str) -> Result<String, TransportError> {
        self.conversation.lock().unwrap_or_else(|p| p.into_inner()).ask(request)
    }
}

#[async_trait]
impl Link for SocketLink {
    fn mtu(&self) -> u16 {
        self.mtu
    }

    async fn write(&mut self, packet: &[u8]) -> Result<(), TransportError> {
        self.ask(&format!("write {}", hex::encode(packet))).map(|_| ())
    }

    async fn next_notification(&mut self, timeout: Duration) -> Result<Vec<u8>, TransportError> {
        let body = self.ask(&format!("notify {}", timeout.as_millis()))?;
        hex::decode(&body).ok_or_else(|| TransportError::Other(format!("not a packet: {body}")))
    }

    /// The lock's virtual time. It can't fail: with the server gone it
    /// reads 0, and the link's next write or read fails instead.
    fn now_ms(&self) -> u64 {
        self.ask("now").ok().and_then(|ms| ms.parse().ok()).unwrap_or(0)
    }

    async fn disconnect(&mut self) {
        let c = self.conversation.lock().unwrap_or_else(|p| p.into_inner());
        let _ = c.writer.shutdown(std::net::Shutdown::Both);
    }
}
