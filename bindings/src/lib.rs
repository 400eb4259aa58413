//! # latchkey-ffi
//!
//! The UniFFI surface of latchkey for Kotlin (Android) and Swift (iOS). It
//! only translates: every decision lives in latchkey-core, which never sees
//! a UniFFI type. One library for the whole app.

uniffi::setup_scaffolding!();

/// The library's version, for the app's about screen and support logs.
#[uniffi::export]
pub fn latchkey_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
