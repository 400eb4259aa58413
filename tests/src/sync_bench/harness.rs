//! Building blocks for the cloud scenarios and the sync benchmark: the
//! simulated world's reference cloud and cloud-synced phones (from
//! latchkey-core's `sim-cloud` feature), and the scenarios' clock origin.

pub use latchkey_core::simworld::cloud::*;

/// Monday 2026-01-05 10:00:00 UTC: the scenarios' first morning.
pub const START: u32 = 1_767_607_200;
