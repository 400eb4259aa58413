//! # latchkey-core
//!
//! The phone side of latchkey: it keeps a phone able to open its lock with
//! no network, and explains failures in terms a person can act on. It must
//! never depend on UniFFI types (the `bindings/` crate translates) and uses
//! latchkey-sim only behind the `sim` feature (tests, demo).
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

pub mod client;
pub mod clock;
pub mod error;
pub mod keys;
pub mod outbox;
#[cfg(feature = "sim")]
pub mod simworld;
pub mod store;
pub mod transport;
pub mod unlock;

pub use client::{CommandReport, Phone};
pub use clock::{PhoneClock, SystemClock};
pub use error::{DiagnosisCode, LatchkeyError};
