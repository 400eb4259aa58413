//! # latchkey-core
//!
//! The phone side of latchkey: it keeps a phone able to open its lock with
//! no network, and explains failures in terms a person can act on. It must
//! never depend on UniFFI types (the `bindings/` crate translates), nor on
//! test fixtures (they live in `testing/`, see ARCHITECTURE.md).
//!
//! The integration story, in order:
//!
//! 1. Build a [`Client`] with [`ClientBuilder`]: a data directory, a
//!    [`transport::Transport`] (the app's BLE stack or btleplug), the
//!    platform's [`platform_keys::KeyStore`] and
//!    [`platform_keys::Signer`] (software fallbacks only when the front
//!    end allows them, [`ClientBuilder::allow_software_keys`]; reported by
//!    [`Client::key_custody`]), and the cloud to sync with.
//!    It opens the encrypted [`store::Store`]; a store that can't be read
//!    is set aside and reported ([`Client::store_quarantine`]).
//! 2. Report connectivity ([`Client::set_connectivity`]).
//! 3. While online, feed it lock metadata, digital keys, revocation lists
//!    and time tokens ([`Client::add_lock`], [`Client::add_key`], …).
//! 4. Call [`Client::unlock`] — online or not. It uses the fast path when it
//!    can (one round trip, HMAC only), falls back to the standard AUTH,
//!    delivers revocations and trusted time in the same connection,
//!    collects the lock's events into the durable [`outbox::Outbox`], and
//!    never actuates twice when a connection drops.
//! 5. Errors are one [`LatchkeyError`] with a stable [`DiagnosisCode`].
//! 6. When something fails, [`diagnostics::diagnose`] explains it in plain
//!    words from a platform snapshot and [`Client::observe`] (what the
//!    store knows about the lock, and how the last command on it ended),
//!    and [`diagnostics::Troubleshooter`] guides a person to the cause.
//! 7. While online, the client's [`sync::SyncEngine`] ([`Client::sync`])
//!    uploads the outbox, renews keys
//!    and fetches revocation lists, time tokens and lock metadata from the
//!    cloud; the platform only reports connectivity.
//! 8. Screens subscribe instead of polling ([`Client::watch`]): a lock's
//!    state, the locks in range, the sync status, the keys, each
//!    delivered now and after every change that concerns it.
//! 9. Signing out ([`Client::sign_out`]) uploads what it can, then
//!    removes everything the account has on the phone and says what the
//!    cloud never got.
//! 10. Keypad PINs: the newest signed [`latchkey_protocol::PinList`]
//!     ([`Client::add_pin_list`]) rides along after any command like a
//!     revocation list; [`Client::pin_status`] shows which PIN changes a lock
//!     has not received yet; a host's phone makes offline PINs
//!     ([`Client::offline_pin`]) with no network; [`sheet`] prints what to do
//!     when the app can't open the door.

// First: its macro is used by the modules below.
#[macro_use]
pub mod crash_point;
pub(crate) mod changes;
pub mod client;
pub mod clock;
pub(crate) mod command;
pub mod diagnostics;
pub mod error;
pub(crate) mod file_lock;
#[doc(hidden)]
pub mod logging;
pub mod outbox;
pub mod platform_keys;
pub mod quick;
pub(crate) mod runtime;
pub(crate) mod setup;
pub mod sheet;
pub mod store;
pub mod sync;
pub mod time;
pub mod transport;
pub mod unlock;
pub mod watch;

pub use client::{
    BuildError, Client, ClientBuilder, CommandReport, KeyCustody, LastOutcome, SignOutReport, SignOutUpload,
};
pub use clock::{PhoneClock, SystemClock};
pub use error::{DiagnosisCode, LatchkeyError};
pub use quick::{QuickUnlock, QuickUnlockBuilder};

/// Whether the panic in progress on this thread is one latchkey catches and
/// handles itself (sled panics on some damaged files while a store opens;
/// the store is then quarantined and reported). A process-wide panic hook
/// (an app's crash reporter, the CLI's) should stay quiet about it.
pub fn panic_is_handled() -> bool {
    store::panic_is_handled_by_store()
}
