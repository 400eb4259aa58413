//! The durable event outbox: lock events collected over the radio and the
//! phone's own events, kept in append order until the cloud confirms them.
//!
//! - [`Outbox::append`] returns only after the event is flushed to disk;
//!   [`Outbox::append_batch`] writes many with one flush (group commit).
//! - Every event gets a UUIDv7 [`EventId`] (the server dedupes on it) and a
//!   position that rises across restarts.
//! - [`Outbox::peek`] reads the oldest events for upload;
//!   [`Outbox::confirm`] deletes exactly the confirmed ones in one flushed
//!   step; [`Outbox::dead_letter`] moves one the server refused for good to
//!   a list the app can show ([`Outbox::dead_letters`]). Nothing is dropped
//!   silently.
//! - Bounded: at [`OutboxConfig::capacity`], the oldest *diagnostic* events
//!   are dropped to make room (counted in [`OutboxStats`]); *access* events
//!   never are: an append that would need that fails with
//!   [`OutboxError::Full`] (the lock keeps its own copy of its log).
//!
//! Payloads are sealed like every other record of the [`Store`]. The
//! events themselves live in the store's spool (append-only segment files,
//! `store/spool.rs`, walked in `spooled.rs`); the `outbox` tree holds what
//! counts them (`layout.rs`).

mod collected;
mod event;
mod event_decode;
mod ingested;
mod layout;
mod read;
mod spooled;
mod write;

pub use event::{DeadLetter, EventClass, EventId, OutboxEvent, StoredEvent};

use crate::store::{Store, StoreError};
use event::DeadRecord;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Why an outbox operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboxError {
    /// No room even after dropping every diagnostic event: access events
    /// are never dropped. Upload (sync) to make room; the lock keeps its own
    /// copy of its events meanwhile.
    #[error("the outbox is full: {access_events} of its {capacity} places hold access events, which are never dropped, and {incoming} new event(s) do not fit; sync to make room (the lock keeps its own copy of its events)")]
    Full {
        /// The configured capacity.
        capacity: u64,
        /// Access events pending.
        access_events: u64,
        /// Events in the refused append.
        incoming: usize,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sled::Error> for OutboxError {
    fn from(e: sled::Error) -> Self {
        OutboxError::Store(e.into())
    }
}

/// Outbox settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxConfig {
    /// Most events kept pending (access + diagnostic).
    pub capacity: u64,
}

impl Default for OutboxConfig {
    /// 200,000 events: weeks of busy offline use, tens of MB at most.
    fn default() -> Self {
        Self { capacity: 200_000 }
    }
}

/// Counts for the app's status screen and the sync engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxStats {
    /// Events waiting for upload.
    pub pending: u64,
    /// Of which access events.
    pub access: u64,
    /// Of which diagnostic events.
    pub diagnostic: u64,
    /// Diagnostic events dropped to make room, since the store was created.
    pub dropped_diagnostics: u64,
    /// Events moved to the dead-letter list.
    pub dead_letters: u64,
    /// The configured capacity.
    pub capacity: u64,
    /// When the oldest pending event was appended (unix milliseconds).
    pub oldest_appended_at_ms: Option<u64>,
}

/// The outbox of one [`Store`]. Cheap to clone; any number of handles on
/// the same store see the same events.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    tree: sled::Tree,
    dead: sled::Tree,
    config: OutboxConfig,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Outbox {
    /// The outbox kept in `store`'s database.
    pub fn new(store: &Store, config: OutboxConfig) -> Result<Self, OutboxError> {
        let db = &store.inner.db;
        Ok(Self {
            tree: db.open_tree(layout::TREE)?,
            dead: db.open_tree(layout::DEAD_TREE)?,
            store: store.clone(),
            config: OutboxConfig {
                capacity: config.capacity.max(1),
            },
        })
    }

    /// Appends one event; returns its id once it is on disk.
    pub fn append(&self, event: OutboxEvent) -> Result<EventId, OutboxError> {
        let ids = self.append_batch(vec![event])?;
        ids.into_iter().next().ok_or_else(|| {
            OutboxError::Store(StoreError::Storage {
                reason: "append returned no id".into(),
            })
        })
    }

    /// Pending events.
    pub fn len(&self) -> Result<u64, OutboxError> {
        Ok(self.counters()?.pending())
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> Result<bool, OutboxError> {
        Ok(self.len()? == 0)
    }

    /// How long the oldest pending event has waited (`None`: empty).
    pub fn oldest_age(&self) -> Result<Option<Duration>, OutboxError> {
        Ok(self
            .oldest_appended_at_ms()?
            .map(|at| Duration::from_millis(now_ms().saturating_sub(at))))
    }

    /// Counts for status screens.
    pub fn stats(&self) -> Result<OutboxStats, OutboxError> {
        let c = self.counters()?;
        Ok(OutboxStats {
            pending: c.pending(),
            access: c.access,
            diagnostic: c.diagnostic,
            dropped_diagnostics: c.dropped_diagnostics,
            dead_letters: self.dead.len() as u64,
            capacity: self.config.capacity,
            oldest_appended_at_ms: self.oldest_appended_at_ms()?,
        })
    }

    /// Every dead letter, oldest position first.
    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>, OutboxError> {
        let sealer = &self.store.inner.sealer;
        let mut out = Vec::new();
        for item in self.dead.iter() {
            let (key, value) = item?;
            let position = layout::position_of(&key).unwrap_or(0);
            let plain = sealer.open(layout::DEAD_TREE, &key, &value);
            let record = plain.and_then(|p| {
                serde_json::from_slice::<DeadRecord>(&p).map_err(|e| StoreError::corrupt(layout::DEAD_TREE, e))
            });
            out.push(match record {
                Ok(r) => DeadLetter {
                    position,
                    id: r.record.as_ref().map(|e| e.id),
                    event: r.record.map(|e| e.event),
                    reason: r.reason,
                    dead_at_ms: r.dead_at_ms,
                },
                Err(e) => DeadLetter {
                    position,
                    id: None,
                    event: None,
                    reason: e.to_string(),
                    dead_at_ms: 0,
                },
            });
        }
        Ok(out)
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
