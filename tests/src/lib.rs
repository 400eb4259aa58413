//! End-to-end scenarios across crates (in `tests/`) and the code behind the
//! `latchkey-bench` binary (one module per benchmark).

pub mod libsize;
pub mod outbox_crash;
pub mod sync_bench;
pub mod unlock_bench;
