//! Encrypted credential store (being written).
