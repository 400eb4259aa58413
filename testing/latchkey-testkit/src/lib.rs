//! # latchkey-testkit
//!
//! The fixtures latchkey's tests, benchmarks, demo and the bindings' test
//! build share, kept out of the library that ships to phones (as
//! matrix-rust-sdk keeps `matrix-sdk-test` and Bitwarden `bitwarden-test`):
//!
//! - [`SimWorld`]: a virtual clock, the property's key authority, the
//!   simulated radio and locks commissioned on it, and phones wired to them
//!   ([`SimWorld::phone`]);
//! - [`SimTransport`]: the simulated radio as a latchkey-core `Transport`;
//! - [`cloud`]: the reference cloud on loopback sharing the world's clock
//!   and issuer, and phones registered with it ([`cloud::cloud_phone`]);
//! - [`http`]: a plain HTTPS client for a cloud, for requests the sync
//!   engine would never send;
//! - [`lock_socket`]: a world's radio served to other processes on a Unix
//!   socket, and the transport they reach it with (multi-process tests);
//! - [`scene`]: the starting points of most scenarios;
//! - [`bench`]: the installer's bench, claiming a reset lock again without
//!   a phone;
//! - [`START`]: the instant every scenario's world starts at.
//!
//! It may depend on anything in the workspace except latchkey-tests and
//! latchkey-ffi; latchkey-core must never depend on it.

pub mod bench;
mod clock;
pub mod cloud;
pub mod http;
#[cfg(unix)]
pub mod lock_socket;
pub mod scene;
mod transport;
mod world;

pub use clock::WorldClock;
pub use transport::{AdapterState, SimTransport};
pub use world::{GrantSpec, SimLockHandle, SimWorld};

/// Monday 2026-01-05 10:00:00 UTC: the instant the scenarios, the demo and
/// the benchmarks start their world at (a weekday morning, so schedules
/// and hour codes have a whole day ahead).
pub const START: u32 = 1_767_607_200;
