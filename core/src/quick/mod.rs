//! Quick access: opening a lock from a widget, a watch, a shortcut or a
//! Quick Settings tile, in a process of its own, while the app's process
//! runs or not, with nothing lost and no FAST counter or command id used
//! twice. docs/core.md ("Quick access") has the design and its failure
//! cases; in short:
//!
//! - The app's client (built with [`crate::ClientBuilder::quick_access`])
//!   keeps the store and writes, per lock, a sealed file with what a quick
//!   process needs (the lock's metadata and keys, its state, the newest
//!   revocation list, PIN list and time token to deliver, and the FAST
//!   keys with their counters), replaced atomically.
//! - A quick process ([`QuickUnlock`]) never opens the store. It takes the
//!   lock's guard (a `flock` the app takes too), reserves the FAST counter
//!   in the lock's file (flushed before the request exists), runs the
//!   command, and appends what it produced to a journal of its own.
//! - The app takes the journals in (`ingest.rs`), each record exactly
//!   once, and deletes them.
//!
//! The files, by concern: `layout.rs` (where, and atomic replacement),
//! `key.rs` (the quick key), `credentials.rs` (a lock's file), `guard.rs`,
//! `journal.rs`, `holder.rs` (a software holder key); the app's side in
//! `access.rs`, `publish.rs` and `ingest.rs`; the quick process's in
//! `unlock.rs`.

mod access;
mod credentials;
mod error;
mod guard;
mod holder;
mod ingest;
mod journal;
#[cfg(test)]
mod journal_tests;
mod key;
mod layout;
mod publish;
mod unlock;

pub(crate) use access::QuickAccess;
pub(crate) use guard::LockGuard;
pub use unlock::{QuickUnlock, QuickUnlockBuilder};
