//! # latchkey-sim
//!
//! Everything latchkey is tested against when there is no hardware:
//!
//! - [`lock`]: `SimLock`, a model of lock firmware built on
//!   latchkey-protocol: it verifies keys against its own clock, keeps a
//!   tamper-evident event log, models battery, bolt, motor, door and
//!   keypad, and counts the asymmetric operations it performs.
//! - [`authority`]: the property's key authority (issuer) that commissions
//!   locks and signs keys, revocation lists, trusted-time tokens and
//!   keypad PIN lists; [`vendor`]: the lock maker, whose key signs
//!   firmware images.
//! - [`radio`]: a BLE link model (MTU, connection interval, per-packet
//!   timing, injectable drops and disconnects) that runs in virtual time so
//!   every result is deterministic; [`peripheral`] is what a lock offers
//!   it.
//! - `bluez` (feature `bluez`, Linux): the lock served as a real BlueZ GATT
//!   peripheral (`latchkey-sim peripheral`).
//! - `cloud` (feature `cloud`): the reference cloud server, HTTPS with a
//!   test CA, sled persistence and chaos switches, for the sync engine.
//!
//! Dependencies, both ways:
//!
//! - latchkey-sim depends on latchkey-protocol and nothing else of
//!   latchkey: never on latchkey-core (the phone core's internals, its
//!   store or its unlock engine) and never on latchkey-ffi or UniFFI. The
//!   lock model is firmware's view of the protocol, so it must not share
//!   the phone's code: a bug on one side then can't hide the same bug on
//!   the other.
//! - latchkey-core uses it only behind its `sim` and `sim-cloud` features
//!   (`transport::sim`, the simulated radio as a transport, and
//!   `simworld`), which tests, the demo, the CLI and the bindings' test
//!   build turn on. A default build of latchkey-core, and so the library
//!   an app ships, does not link it: the phone talks to locks only through
//!   its transport interface.

pub mod authority;
#[cfg(all(feature = "bluez", target_os = "linux"))]
pub mod bluez;
pub mod clock;
#[cfg(feature = "cloud")]
pub mod cloud;
pub mod lock;
pub mod peripheral;
pub mod radio;
pub mod vendor;

pub use clock::VirtualClock;
pub use peripheral::Peripheral;
