//! # latchkey-core
//!
//! The phone side of latchkey: it keeps a phone able to open its lock with
//! no network, and explains failures in terms a person can act on. It must
//! never depend on UniFFI types (the `bindings/` crate translates), nor on
//! latchkey-sim or the test kit: the simulated world lives in
//! `testing/latchkey-testkit`.
//!
//! The integration story, in order:
//!
//! 1. Open the encrypted [`store::Store`] with the platform's
//!    [`keys::KeyStore`]; pick a [`keys::Signer`] (hardware-backed in the
//!    app, [`keys::SoftwareSigner`] by default).
//! 2. Create a [`Phone`] with a [`transport::Transport`] (the app's BLE
//!    stack, btleplug, or the simulated radio) and a clock.
//! 3. While online, feed it lock metadata, digital keys, revocation lists
//!    and time tokens ([`Phone::add_lock`], [`Phone::add_key`], …).
//! 4. Call [`Phone::unlock`] — online or not. It uses the fast path when it
//!    can (one round trip, HMAC only), falls back to the standard AUTH,
//!    delivers revocations and trusted time in the same connection,
//!    collects the lock's events into the durable [`outbox::Outbox`], and
//!    never actuates twice when a connection drops.
//! 5. Errors are one [`LatchkeyError`] with a stable [`DiagnosisCode`].
//! 6. When something fails, [`diagnostics::diagnose`] explains it in plain
//!    words from a platform snapshot and what the store knows about the
//!    lock, and [`diagnostics::Troubleshooter`] guides a person to the cause.
//! 7. While online, a [`sync::SyncEngine`] uploads the outbox, renews keys
//!    and fetches revocation lists, time tokens and lock metadata from the
//!    cloud; the platform only reports connectivity.
//! 8. Keypad PINs: the newest signed [`latchkey_protocol::PinList`]
//!    ([`Phone::add_pin_list`]) rides along after any command like a
//!    revocation list; [`Phone::pin_status`] shows which PIN changes a lock
//!    has not received yet; a host's phone makes offline PINs
//!    ([`Phone::offline_pin`]) with no network; [`sheet`] prints what to do
//!    when the app can't open the door.

pub mod client;
pub mod clock;
pub mod diagnostics;
pub mod error;
pub mod keys;
pub mod outbox;
pub(crate) mod runtime;
pub mod sheet;
pub mod store;
pub mod sync;
pub mod transport;
pub mod unlock;

pub use client::{CommandReport, Phone};
pub use clock::{PhoneClock, SystemClock};
pub use error::{DiagnosisCode, LatchkeyError};
