//! Cloud sync: the phone's view of the vendor cloud (docs/cloud-api.md).
//!
//! The core owns the policy; the platform only reports connectivity and
//! schedules work. The integration story, in order:
//!
//! 1. Build a [`SyncEngine`] over the app's [`Client`](crate::Client) with a
//!    [`SyncConfig`] (base URL, [`TrustRoots`], optional SPKI pins,
//!    timeouts) and an [`AuthProvider`] for the bearer token.
//! 2. Report connectivity with [`SyncEngine::set_connectivity`] whenever it
//!    changes. Offline, nothing is attempted and nothing is lost; coming
//!    back online resets the backoff and builds a fresh HTTP client.
//! 3. Run [`SyncEngine::run`] on the library's runtime (or call
//!    [`SyncEngine::sync_once`] when the platform schedules work), and call
//!    [`SyncEngine::notify_new_events`] after commands so their events go
//!    up promptly. A pass:
//!    - refreshes credentials when due (hourly by default): lock metadata,
//!      keys (renewed at about half their lifetime, deleted when revoked),
//!      revocation lists and ahead-of-time time tokens for the locks this
//!      phone holds keys for, keypad PIN lists (with the portal's change
//!      log, and the PIN secret for a phone entitled to make offline PINs)
//!      for the locks the cloud lists for it, all verified before they are
//!      stored; the next session with a lock delivers what it lacks;
//!    - reports the revocation and PIN list seqs locks acknowledged
//!      (credential and PIN drift);
//!    - drains the outbox: one batch in flight, outbox order, at most N
//!      events or 256 KiB per request; only what the cloud confirmed is
//!      deleted, in one flushed step; events it refuses for good go to the
//!      dead letters ([`crate::outbox::Outbox::dead_letters`]).
//! 4. Failures: a 401 asks the [`AuthProvider`] for a fresh token once and
//!    retries; Retry-After is honoured (capped at an hour); otherwise
//!    full-jitter exponential backoff. Each pass returns a [`SyncReport`];
//!    [`SyncEngine::status`] gives the standing picture (pending events,
//!    oldest age, last success, last error with its diagnosis code, dead
//!    letters, per-lock revocation and PIN drift). Hosts also change PINs
//!    ([`SyncEngine::change_pin`], [`SyncEngine::delete_pin`]) and read the
//!    cloud's drift ([`SyncEngine::cloud_drift`], [`SyncEngine::pin_drift`]).
//!
//! TLS is rustls with ring only. Roots are explicit: the platform's trust
//! store ([`TrustRoots::Platform`]) or PEM certificates the app passes
//! ([`TrustRoots::Pem`], e.g. a private CA or the reference cloud's test
//! CA). Tests drive everything deterministically with a [`ManualTimer`],
//! an injected [`PhoneClock`](crate::clock::PhoneClock) and a seeded jitter.
//!
//! Inside, in layers. A file uses only files listed before it below
//! (inside `pins/`, `wire/` and `engine/`, also its directory's other
//! file), so no two files use each other, directly or in a chain; this
//! file only declares and re-exports.
//!
//! 1. Plumbing: `config.rs`, `auth.rs`, `timer.rs`, `tls.rs`, `backoff.rs`,
//!    `wire/` (the API's JSON), `error.rs` (the internal `Failure`,
//!    converted in one place into [`SyncError`]), `common.rs` (what several
//!    steps share: local work off the executor with typed errors, per-lock
//!    refusals, credentials that don't decode), `http/` (one request:
//!    the `Api` a pass or a call talks through, in `mod.rs`, over
//!    latchkey's own HTTP/1.1 client: `client.rs` connects, keeps one
//!    connection and bounds the request's time, `conn.rs` writes a request
//!    and reads its answer, `parse.rs` reads heads and chunked bodies,
//!    `target.rs` splits the URL, `fault.rs` words the failures),
//!    `status.rs` (reports and the status picture).
//! 2. Steps, free functions handed only what they use (the `Api`, the
//!    [`Client`](crate::Client) or its store or outbox, the limits, a `&mut`
//!    of what they carry from pass to pass), none using another:
//!    `credentials.rs`, `pins/` (PIN lists; the host's PIN calls in
//!    `pins/host.rs`), `acks.rs`, `upload.rs`, and the calls made on
//!    demand in `host.rs`.
//! 3. `engine/`: the engine's private state (`Inner`, in `mod.rs`):
//!    connectivity and the HTTP client's lifetime; `pass.rs` runs one pass,
//!    calling the steps in order.
//! 4. The public handle: `handle.rs` ([`SyncEngine`], its builder, the
//!    passes and the background loop), then `calls.rs` (status, dead
//!    letters and the calls made on demand).

mod acks;
mod attach;
mod auth;
mod backoff;
mod calls;
mod common;
mod config;
mod credentials;
mod crypto_provider;
mod engine;
mod error;
mod handle;
mod host;
mod http;
mod life;
mod pins;
mod status;
#[cfg(test)]
mod tests;
mod timer;
mod tls;
mod upload;
mod wire;

pub use auth::{AuthError, AuthProvider, StaticToken};
pub use config::{BackoffPolicy, Connectivity, SyncConfig, Timeouts, TlsSettings, TrustRoots};
pub use error::SyncError;
pub use handle::{SyncEngine, SyncEngineBuilder};
pub use host::{CloudKey, IssueKey};
pub use life::Commissioning;
pub use pins::PinChange;
pub use status::{LockDrift, SyncFailure, SyncOutcome, SyncReport, SyncStatus};
pub use timer::{ManualTimer, SyncTimer, TokioTimer};
pub use tls::spki_sha256;
pub use wire::{CloudKeyStatus, CloudLockDrift, CloudPinChange, CloudPinDrift};
