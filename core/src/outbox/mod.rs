//! Durable event outbox (being written).
