//! One command on one lock, whoever runs it: the long-lived [`Client`]
//! (`client/commands.rs`) or a widget's, watch's or tile's short-lived
//! process through quick access ([`crate::quick`]). Each step is a value
//! in, a value out; the runner decides where things are read from and
//! persisted to.
//!
//! 1. [`LockSnapshot`]: the lock as the phone knows it (from the store,
//!    or from the lock's quick-access file).
//! 2. [`plan`]: the key to use and the work to carry, or a local refusal.
//!    The runner then reserves the FAST counter durably.
//! 3. [`exchange`]: the radio (the unlock engine).
//! 4. [`Finished`]: the events, the lock's new state, the fast key and
//!    the report; or, on a failure, the events of [`failure`].
//!
//! [`Client`]: crate::Client

mod exchange;
pub(crate) mod failure;
mod keypad;
mod learned;
mod plan;
mod report;
mod snapshot;

pub(crate) use exchange::{exchange, Request};
pub(crate) use learned::{FastChange, Finished};
pub(crate) use plan::{plan, unknown_lock, Prepared};
pub use report::CommandReport;
pub(crate) use snapshot::LockSnapshot;
