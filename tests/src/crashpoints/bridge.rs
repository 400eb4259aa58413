//! The simulated lock stays in the parent, alive across the phone's
//! deaths; a phone child reaches it through this bridge: a latchkey-core
//! [`Transport`] whose every step (scan, connect, write, wait for a
//! notification) is one JSON line over a Unix socket to [`serve`], which
//! runs it on the parent's simulated radio. A child that dies leaves the
//! lock as the radio left it (a link dropped mid-exchange).

use async_trait::async_trait;
use latchkey_core::transport::{Link, ScanFilter, ScannedLock, Transport, TransportError};
use latchkey_protocol::Advertisement;
use latchkey_testkit::SimTransport;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Serves phone children on `socket`, one connection at a time, each on
/// `radio` (the parent's world), until the listener fails.
pub fn serve(socket: &Path, radio: SimTransport) -> std::io::Result<()> {
    let listener = UnixListener::bind(socket)?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let radio = radio.clone();
            std::thread::spawn(move || serve_one(stream, radio));
        }
    });
    Ok(())
}

fn serve_one(stream: UnixStream, radio: SimTransport) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return;
    };
    let Ok(mut out) = stream.try_clone() else { return };
    let mut link: Option<Box<dyn Link>> = None;
    for line in BufReader::new(stream).lines() {
        let Ok(line) = line else { break };
        let Ok(request) = serde_json::from_str::<Value>(&line) else {
            break;
        };
        let answer = runtime.block_on(step(&radio, &mut link, &request));
        if writeln!(out, "{answer}").is_err() {
            break;
        }
    }
    // The phone is gone (or hung up): drop its link as a radio would.
    if let Some(mut l) = link {
        runtime.block_on(l.disconnect());
    }
}

async fn step(radio: &SimTransport, link: &mut Option<Box<dyn Link>>, request: &Value) -> Value {
    let timeout = Duration::from_millis(request["timeout_ms"].as_u64().unwrap_or(0));
    let outcome: Result<Value, TransportError> = match request["op"].as_str().unwrap_or("") {
        "scan" => {
            let filter = ScanFilter {
                short_lock_id: request["short"].as_str().and_then(|h| hex(h)?.try_into().ok()),
                first_match: request["first"].as_bool().unwrap_or(false),
            };
            radio.scan(&filter, timeout).await.map(|found| {
                let found: Vec<Value> = found
                    .iter()
                    .map(|f| json!({"address": f.address, "rssi": f.rssi, "ad": to_hex(&f.advertisement.encode())}))
                    .collect();
                json!(found)
            })
        }
        "connect" => match radio.connect(request["address"].as_str().unwrap_or(""), timeout).await {
            Ok(l) => {
                let mtu = l.mtu();
                *link = Some(l);
                Ok(json!(mtu))
            }
            Err(e) => Err(e),
        },
        op => match link.as_mut() {
            None => Err(TransportError::Disconnected),
            Some(l) => match op {
                "write" => l
                    .write(&hex(request["packet"].as_str().unwrap_or("")).unwrap_or_default())
                    .await
                    .map(|()| Value::Null),
                "next" => l.next_notification(timeout).await.map(|p| json!(to_hex(&p))),
                "now" => Ok(json!(l.now_ms())),
                _ => {
                    l.disconnect().await;
                    *link = None;
                    Ok(Value::Null)
                }
            },
        },
    };
    match outcome {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "err": error_name(&e), "timeout_ms": timeout.as_millis() as u64, "text": e.to_string() }),
    }
}

fn error_name(e: &TransportError) -> &'static str {
    match e {
        TransportError::Timeout(_) => "timeout",
        TransportError::ConnectTimeout(_) => "connect_timeout",
        TransportError::NotFound(_) => "not_found",
        TransportError::Disconnected => "disconnected",
        _ => "other",
    }
}

fn error_from(answer: &Value) -> TransportError {
    let timeout = Duration::from_millis(answer["timeout_ms"].as_u64().unwrap_or(0));
    match answer["err"].as_str().unwrap_or("") {
        "timeout" => TransportError::Timeout(timeout),
        "connect_timeout" => TransportError::ConnectTimeout(timeout),
        "not_found" => TransportError::NotFound(timeout),
        "disconnected" => TransportError::Disconnected,
        _ => TransportError::Other(answer["text"].as_str().unwrap_or("the bridge failed").to_string()),
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The child's side: the parent's radio through the socket.
#[derive(Clone)]
pub struct BridgeTransport {
    conn: Arc<Mutex<(UnixStream, BufReader<UnixStream>)>>,
}

impl BridgeTransport {
    /// Connects to the parent's [`serve`].
    pub fn connect(socket: &Path) -> std::io::Result<Self> {
        let stream = UnixStream::connect(socket)?;
        let reader = BufReader::new(stream.try_clone()?);
        Ok(Self {
            conn: Arc::new(Mutex::new((stream, reader))),
        })
    }

    /// One request and its answer's `ok` value.
    fn call(&self, request: Value) -> Result<Value, TransportError> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let (out, input) = &mut *conn;
        let lost = |e: std::io::Error| TransportError::Other(format!("the bridge to the lock is gone: {e}"));
        writeln!(out, "{request}").map_err(lost)?;
        let mut line = String::new();
        input.read_line(&mut line).map_err(lost)?;
        let answer: Value = serde_json::from_str(&line)
            .map_err(|e| TransportError::Other(format!("the bridge answered badly: {e}")))?;
        match answer.get("ok") {
            Some(v) => Ok(v.clone()),
            None => Err(error_from(&answer)),
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[async_trait]
impl Transport for BridgeTransport {
    async fn scan(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        let found = self.call(json!({
            "op": "scan", "short": filter.short_lock_id.map(|s| to_hex(&s)),
            "first": filter.first_match, "timeout_ms": millis(timeout),
        }))?;
        Ok(found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| {
                Some(ScannedLock {
                    address: f["address"].as_str()?.to_string(),
                    rssi: i16::try_from(f["rssi"].as_i64()?).ok()?,
                    advertisement: Advertisement::decode(&hex(f["ad"].as_str()?)?).ok()?,
                })
            })
            .collect())
    }

    async fn connect(&self, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
        let mtu = self.call(json!({"op": "connect", "address": address, "timeout_ms": millis(timeout)}))?;
        Ok(Box::new(BridgeLink {
            bridge: self.clone(),
            mtu: u16::try_from(mtu.as_u64().unwrap_or(23)).unwrap_or(23),
        }))
    }
}

struct BridgeLink {
    bridge: BridgeTransport,
    mtu: u16,
}

#[async_trait]
impl Link for BridgeLink {
    fn mtu(&self) -> u16 {
        self.mtu
    }

    async fn write(&mut self, packet: &[u8]) -> Result<(), TransportError> {
        self.bridge
            .call(json!({"op": "write", "packet": to_hex(packet)}))
            .map(|_| ())
    }

    async fn next_notification(&mut self, timeout: Duration) -> Result<Vec<u8>, TransportError> {
        let packet = self.bridge.call(json!({"op": "next", "timeout_ms": millis(timeout)}))?;
        hex(packet.as_str().unwrap_or("")).ok_or_else(|| TransportError::Other("the bridge sent bad bytes".into()))
    }

    fn now_ms(&self) -> u64 {
        self.bridge
            .call(json!({"op": "now"}))
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    }

    async fn disconnect(&mut self) {
        let _ = self.bridge.call(json!({"op": "disconnect"}));
    }
}
