//! Named crash points: the phone killed at one exact durable step or
//! network exchange, for the crash driver (`latchkey-bench crashpoints`,
//! docs/core.md "Crash points").
//!
//! [`crash_point!`] names a moment ("outbox.append.after_flush"). Without
//! the `crash-points` feature it expands to nothing: the shipped library
//! holds no trace of it (latchkey-ffi never enables the feature). With it,
//! every hit is counted by name and, when the environment asks:
//!
//! - [`CRASH_AT_ENV`] = `name#N`: the process dies at the N-th hit of
//!   `name` (N from 1) by SIGKILL to itself (on Unix; `abort` elsewhere),
//!   as an OS kills an app: nothing runs after it (no handler, no
//!   destructor, no flush, no other thread's next step, no core dump). It
//!   first writes `crash point name#N` to stderr; the driver sees that
//!   line and the signal in the exit status.
//! - [`CRASH_TRACE_ENV`] = a file: each hit appends its name as a line
//!   (written before the process could die there), so a driver learns
//!   which points a scenario reaches and how often.

#[cfg(feature = "crash-points")]
mod runtime;

#[cfg(feature = "crash-points")]
pub use runtime::{hit, CRASH_AT_ENV, CRASH_TRACE_ENV};

/// Marks a crash point named by a `&str` expression. A no-op (the
/// expression is not even evaluated) without the `crash-points` feature.
#[cfg(feature = "crash-points")]
macro_rules! crash_point {
    ($name:expr) => {
        $crate::crash_point::hit($name)
    };
}

/// Marks a crash point named by a `&str` expression. A no-op (the
/// expression is not even evaluated) without the `crash-points` feature.
#[cfg(not(feature = "crash-points"))]
macro_rules! crash_point {
    ($name:expr) => {};
}
