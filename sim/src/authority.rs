//! The key authority (being written).
