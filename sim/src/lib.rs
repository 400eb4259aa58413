//! # latchkey-sim
//!
//! Everything latchkey is tested against when there is no hardware:
//!
//! - [`lock`]: `SimLock`, a model of lock firmware built on
//!   latchkey-protocol: it verifies keys against its own clock, keeps a
//!   tamper-evident event log, models battery, bolt, motor and door, and
//!   counts the asymmetric operations it performs.
//! - [`authority`]: the property's key authority (issuer) that commissions
//!   locks and signs keys, revocation lists and trusted-time tokens.
//! - [`radio`]: a BLE link model (MTU, connection interval, per-packet
//!   timing, injectable drops and disconnects) that runs in virtual time so
//!   every result is deterministic.
//! - `cloud` (feature `cloud`): the reference cloud server, HTTPS with a
//!   test CA, sled persistence and chaos switches, for the sync engine.
//!
//! It must never be a dependency of latchkey-core's non-test code: the
//! phone library talks to locks only through its transport interface.

pub mod authority;
#[cfg(all(feature = "bluez", target_os = "linux"))]
pub mod bluez;
pub mod clock;
#[cfg(feature = "cloud")]
pub mod cloud;
pub mod lock;
pub mod peripheral;
pub mod radio;

pub use clock::VirtualClock;
pub use peripheral::Peripheral;
