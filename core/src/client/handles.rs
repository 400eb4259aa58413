//! What an app sees of a [`Client`], grouped by concern as the bindings
//! present it: `client.keys()`, `client.locks()`, `client.pins()`,
//! `client.emergency()`, `client.diagnostics()` and `client.sync()`. Each
//! handle borrows the client and holds nothing of its own; its methods
//! live beside their concern (`credentials.rs`, `commands.rs`, `pins/`,
//! `sheet.rs`, `observe.rs`).

use super::Client;

/// Credentials: lock metadata, digital keys, revocation lists and time
/// tokens, each verified before it is stored (`credentials.rs`).
#[derive(Clone, Copy)]
pub struct Keys<'a>(pub(super) &'a Client);

/// Commands (unlock, lock, status), scanning, and how the last command on
/// each lock ended (`commands.rs`).
#[derive(Clone, Copy)]
pub struct Locks<'a>(pub(super) &'a Client);

/// Keypad PINs: signed PIN lists, PIN drift, offline PINs (`pins/`).
#[derive(Clone, Copy)]
pub struct Pins<'a>(pub(super) &'a Client);

/// The backup way in and the emergency access sheet (`sheet.rs`).
#[derive(Clone, Copy)]
pub struct Emergency<'a>(pub(super) &'a Client);

/// Setting locks up: claiming and re-commissioning (`setup.rs`).
#[derive(Clone, Copy)]
pub struct Setup<'a>(pub(super) &'a Client);

/// Firmware updates carried by the phone (`firmware.rs`).
#[derive(Clone, Copy)]
pub struct Firmware<'a>(pub(super) &'a Client);

/// What the diagnostics read about a lock (`observe.rs`).
#[derive(Clone, Copy)]
pub struct Diagnostics<'a>(pub(super) &'a Client);

impl Client {
    /// Credentials: lock metadata, keys, revocation lists, time tokens.
    pub fn keys(&self) -> Keys<'_> {
        Keys(self)
    }

    /// Commands and what the phone knows about each lock.
    pub fn locks(&self) -> Locks<'_> {
        Locks(self)
    }

    /// Keypad PINs.
    pub fn pins(&self) -> Pins<'_> {
        Pins(self)
    }

    /// The backup way in and the emergency access sheet.
    pub fn emergency(&self) -> Emergency<'_> {
        Emergency(self)
    }

    /// What the diagnostics read about a lock.
    pub fn diagnostics(&self) -> Diagnostics<'_> {
        Diagnostics(self)
    }

    /// Setting locks up: claiming a new one, re-commissioning a reset one.
    pub fn setup(&self) -> Setup<'_> {
        Setup(self)
    }

    /// Firmware updates carried by the phone.
    pub fn firmware(&self) -> Firmware<'_> {
        Firmware(self)
    }
}
