//! # latchkey-tests
//!
//! What proves latchkey works end to end, and what measures it: the
//! scenarios in `tests/tests/` that span crates (phone core, lock model,
//! radio model, reference cloud, BlueZ through BlueZoo), and the code
//! behind the `latchkey-bench` binary, one module per benchmark
//! ([`unlock_bench`], [`outbox_crash`], [`sync_bench`], [`crashpoints`],
//! [`footprint`],
//! [`libsize`]). The
//! simulated world and the scenes scenarios start from are in the test kit
//! (`latchkey-testkit`).
//!
//! It sits at the top of the dependency graph and must stay there: no
//! crate may ever depend on it (it is `publish = false`, and nothing an app
//! ships links it). It uses the other crates only through their public
//! APIs, never their internals, so a benchmark measures what an app gets;
//! it never depends on latchkey-ffi or UniFFI (the bindings are tested
//! from Kotlin and Swift).

pub mod crashpoints;
pub mod footprint;
pub mod libsize;
pub mod outbox_crash;
pub mod sync_bench;
pub mod unlock_bench;
