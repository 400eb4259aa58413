//! A small peripheral for the radio tests: it reassembles each request,
//! records it, and answers with a frame of a chosen size, reporting a
//! chosen number of asymmetric operations per request.

#![allow(unreachable_pub)] // shared by several test binaries, each using a part
// Each test binary uses part of this module.
#![allow(dead_code)]

use std::sync::{Arc, Mutex, MutexGuard};

use latchkey_protocol::framing::Reassembler;
use latchkey_protocol::{Advertisement, Challenge, Frame, ResultCode};
use latchkey_sim::radio::{LinkParams, SimConnection, SimRadio};
use latchkey_sim::{Peripheral, VirtualClock};

/// Address of the echo device in [`setup`].
pub const LOCK: &str = "AA:BB:CC:00:00:01";

/// First byte of every answer (not a latchkey message type).
pub const ANSWER_MARKER: u8 = 0xe0;

/// Answers every complete request frame.
pub struct EchoDevice {
    clock: VirtualClock,
    reassembler: Reassembler,
    /// Size of each answer frame.
    pub answer_len: usize,
    /// Asymmetric operations charged per request.
    pub asym_ops_per_request: u64,
    asym_ops: u64,
    /// Every complete request, in order.
    pub requests: Vec<Vec<u8>>,
    /// MTU of every connection, in order.
    pub connects: Vec<u16>,
    /// Number of disconnects seen.
    pub disconnects: u32,
    /// Advertisement served to scans.
    pub advertisement: Advertisement,
}

impl EchoDevice {
    /// An echo answering with `answer_len`-byte frames.
    pub fn new(clock: VirtualClock, answer_len: usize, asym_ops_per_request: u64) -> Self {
        Self {
            clock,
            reassembler: Reassembler::default(),
            answer_len,
            asym_ops_per_request,
            asym_ops: 0,
            requests: Vec::new(),
            connects: Vec::new(),
            disconnects: 0,
            advertisement: Advertisement {
                short_lock_id: [1, 2, 3, 4],
                epoch: 7,
                challenge: Challenge([9; 8]),
                flags: Advertisement::EVENTS_PENDING,
                revocation_seq_low: 3,
            },
        }
    }

    fn answer(&self) -> Vec<u8> {
        let mut frame = vec![ANSWER_MARKER];
        frame.resize(self.answer_len.max(1), self.requests.len() as u8);
        frame
    }
}

impl Peripheral for EchoDevice {
    fn advertisement(&mut self) -> Advertisement {
        self.advertisement
    }

    fn on_connect(&mut self, mtu: u16) {
        self.connects.push(mtu);
    }

    fn on_disconnect(&mut self) {
        self.disconnects += 1;
        self.reassembler.reset();
    }

    fn on_packet(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        match self.reassembler.push(packet, self.clock.now_ms()) {
            Ok(Some(frame)) => {
                self.requests.push(frame);
                self.asym_ops += self.asym_ops_per_request;
                Some(self.answer())
            }
            Ok(None) => None,
            Err(_) => Some(Frame::Error(ResultCode::BadRequest).encode()),
        }
    }

    fn on_tick(&mut self) -> Option<Vec<u8>> {
        self.reassembler
            .check_timeout(self.clock.now_ms())
            .err()
            .map(|_| Frame::Error(ResultCode::FrameIncomplete).encode())
    }

    fn asym_ops(&self) -> u64 {
        self.asym_ops
    }
}

/// A radio at virtual time 0 with one echo device at [`LOCK`].
pub fn setup(answer_len: usize, asym_ops_per_request: u64) -> (SimRadio, Arc<Mutex<EchoDevice>>) {
    let clock = VirtualClock::starting_at(1_700_000_000);
    let radio = SimRadio::new(clock.clone());
    let echo = Arc::new(Mutex::new(EchoDevice::new(clock, answer_len, asym_ops_per_request)));
    radio.add_peripheral(LOCK, -60, echo.clone());
    (radio, echo)
}

/// Connects to the echo device or fails the test.
pub fn connect(radio: &SimRadio, params: LinkParams) -> SimConnection {
    match radio.connect(LOCK, params) {
        Ok(connection) => connection,
        Err(e) => panic!("connect failed: {e}"),
    }
}

/// The echo device's state.
pub fn state(echo: &Arc<Mutex<EchoDevice>>) -> MutexGuard<'_, EchoDevice> {
    echo.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A request frame of `len` bytes.
pub fn request(len: usize) -> Vec<u8> {
    (0..len).map(|i| i as u8).collect()
}

/// Params at `mtu` with a given number of packets per event.
pub fn params(mtu: u16, packets_per_event: u32) -> LinkParams {
    LinkParams {
        packets_per_event,
        ..LinkParams::with_mtu(mtu)
    }
}
