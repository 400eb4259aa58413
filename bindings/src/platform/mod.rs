//! The platform services an app implements in Kotlin or Swift, and the
//! small bridge types that adapt them to latchkey-core's traits.

pub(crate) mod auth;
pub(crate) mod ble;
mod ble_bridge;
pub(crate) mod callbacks;
pub(crate) mod keys;
pub(crate) mod log;
pub(crate) mod progress;

pub(crate) use ble_bridge::ForeignCentral;
pub(crate) use keys::{ForeignKeyStore, ForeignSigner};
pub(crate) use progress::ProgressBridge;
