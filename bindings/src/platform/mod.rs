//! The platform services an app implements in Kotlin or Swift, and the
//! small bridge types that adapt them to latchkey-core's traits.

pub mod auth;
pub mod ble;
mod ble_bridge;
pub mod keys;
pub mod log;
pub mod progress;

pub(crate) use ble_bridge::ForeignTransport;
pub(crate) use keys::{ForeignKeyStore, ForeignSigner};
pub(crate) use progress::ProgressBridge;
