//! # latchkey-core
//!
//! The phone side of latchkey. It must never depend on UniFFI types (the
//! `bindings/` crate translates) nor on latchkey-sim outside tests.

pub mod outbox;
pub mod store;
