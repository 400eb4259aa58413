//! A BLE link model that runs in virtual time, so every latency figure and
//! every failure is reproducible to the millisecond.
//!
//! [`SimRadio`] plays the phone's Bluetooth adapter: it scans the simulated
//! peripherals it knows ([`ScanResult`]) and connects to them
//! ([`SimConnection`]). A connection moves latchkey framing packets
//! ([`latchkey_protocol::framing`]) between the phone and a
//! [`crate::Peripheral`], charging air time and lock CPU time on the shared
//! [`crate::VirtualClock`]. [`replay_sequence`] puts any other protocol's
//! message sequence (the [`nuki_like`] and [`tedee_like`] references of the
//! benchmark) on the same model without a peripheral.
//!
//! # The timing model
//!
//! All figures are in virtual milliseconds; defaults are in [`LinkParams`].
//!
//! 1. **Connection events.** Once connected (the *anchor*, `A`), the link
//!    exchanges packets only at connection events `A + n × interval`
//!    (`n ≥ 1`; default interval 30 ms). Connecting itself costs
//!    `connect_events` intervals (first event, ATT MTU exchange, enabling
//!    notifications) and is not part of the measured exchange.
//! 2. **Ready means the next event.** A packet that becomes ready at time
//!    `t` goes out in the first event strictly *after* `t`: neither side
//!    can answer inside the event that brought the question, as with real
//!    stacks whose application layer runs between events.
//! 3. **Packets per event.** Each direction carries at most
//!    `packets_per_event` (default 4) write-without-response or
//!    notification packets per event; later packets spill into the
//!    following events. Acknowledged packets (write with response,
//!    indication) take an event of their own each, since the next one may
//!    only start once the previous one is confirmed. That is one event
//!    each, which flatters protocols that use them: real stacks often need
//!    two. A live [`SimConnection`] uses what latchkey uses (writes
//!    without response, notifications); the acknowledged kinds serve the
//!    replayed references ([`PacketKind`]).
//! 4. **Lock CPU.** The lock handles a packet when the event carrying it
//!    happens. Finishing a frame costs `frame_processing_ms` (default 1)
//!    plus `asym_op_ms` (default 20) for every asymmetric operation the
//!    peripheral reports through [`crate::Peripheral::asym_ops`]. The lock
//!    works on one thing at a time; its answer becomes ready when the work
//!    is done, and is fragmented at the MTU and notified per rules 2–3.
//! 5. **Measurement.** The phone holds a frame at the event that carries
//!    its last packet. [`LinkStats::exchange_ms`] runs from the anchor to
//!    the last frame the phone received; a round trip is a phone → lock
//!    frame answered by a lock → phone frame. The phone's own CPU time is
//!    not charged here; the benchmark measures it separately.
//!
//! A hand-checked example (MTU 185, interval 30 ms, no asymmetric
//! operation): a 38-byte request is one packet and leaves at `A + 30`; the
//! lock is done at `A + 31`; the one-packet answer leaves at `A + 60`. One
//! round trip, 60 ms. With two asymmetric operations the lock is done at
//! `A + 71` and the answer arrives at `A + 90`.
//!
//! # Why these defaults
//!
//! - 30 ms is the interval iOS grants by default and the low end of
//!   Android's balanced connection priority (30–50 ms).
//! - MTU 23 is the minimum every central supports, 185 what iOS
//!   negotiates, 247 what most Android phones with data length extension
//!   reach. [`LinkParams::mtu23`], [`LinkParams::mtu185`],
//!   [`LinkParams::mtu247`].
//! - 20 ms per asymmetric operation is an assumption standing for an
//!   nRF52840-class lock MCU (64 MHz Cortex-M4F) that does P-256 in its
//!   CryptoCell accelerator: accelerated sign, verify and ECDH take on the
//!   order of ten to a few tens of milliseconds there, pure software on
//!   the same core several times more. Change it to model another MCU.
//!
//! # Faults
//!
//! A [`FaultPlan`] (per connection, or queued on the radio for the next
//! ones) drops or corrupts chosen packets, or drops the link at a chosen
//! point: before the request is complete, after the lock received the
//! request but before its answer (the lock acted, the phone never hears:
//! the case idempotent `command_id`s exist for; optionally the lock then
//! leaves range, so a retry cannot reach it), or part-way through the
//! answer. A corrupted packet arrives with its last byte flipped, so the
//! answer fails its MAC or signature check on the phone. A dropped
//! packet stands for data lost above the link layer (a stack's full buffer,
//! a lock reboot mid-frame); the receiver's reassembly then fails or times
//! out exactly as it would on a real link. A dropped link is noticed by the
//! phone only after the supervision timeout, as on a real phone; the lock
//! is told at once. A peripheral taken out of range or powered off
//! ([`SimRadio::set_in_range`], [`SimRadio::set_powered`]) stops
//! advertising, refuses connections, and drops a live link at its next
//! connection event.
//!
//! # Driving time
//!
//! Nothing happens on the link between calls: writes are scheduled, and
//! events are played when the phone waits ([`SimConnection::next_notification`],
//! [`SimConnection::recv_frame`], [`SimConnection::wait_ms`]). The
//! peripheral's [`crate::Peripheral::on_tick`] runs at every connection
//! event, so its reassembly timeouts fire. Advance time through the
//! connection while it is open: time moved on the clock directly is seen
//! by the link only when it next plays its events.

mod connection;
mod devices;
mod engine;
mod error;
mod faults;
mod params;
mod replay;
mod scan;
mod stats;
mod timing;

pub use connection::SimConnection;
pub use error::LinkError;
pub use faults::FaultPlan;
pub use params::LinkParams;
pub use replay::{nuki_like, replay_framed, replay_sequence, tedee_like, Direction, PacketKind, Step};
pub use scan::{ScanResult, SimRadio, DEFAULT_ADVERTISING_INTERVAL_MS};
pub use stats::LinkStats;
