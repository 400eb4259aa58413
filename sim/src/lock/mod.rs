//! The lock firmware model (being written).
