//! The phone's change feed: a version counter per [`ChangeArea`], bumped
//! after every write that area's readers care about, and watched by the
//! subscriptions in `watch/` (a screen showing a lock, the keys, the sync
//! status).
//!
//! It says only *that* something changed, never what: a subscriber reads
//! its value again and compares it with what it last delivered, so a
//! missed or merged bump can't make it show something stale. It lives in
//! the store (every writer reaches it there: the credential caches, the
//! outbox, the sync engine, the commands), and it dies with the store, so
//! a subscriber learns that the client is gone.

use tokio::sync::watch;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeArea {
    /// Digital keys (added, renewed, removed).
    Keys,
    /// Lock metadata and per-lock state (status, acknowledgements,
    /// revocation lists, time tokens, fast keys).
    Locks,
    /// Keypad PIN lists and their acknowledgements.
    Pins,
    /// Events queued, uploaded, dead-lettered or dropped.
    Outbox,
    /// The sync engine's standing (a pass ended, connectivity changed).
    Sync,
    /// A command ended (the client's last outcome per lock).
    Commands,
    /// The client signed out: every subscription ends.
    Closed,
}

const AREAS: usize = 7;

/// One counter per area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Versions([u64; AREAS]);

impl Versions {
    /// Whether any of `areas` moved since `earlier`.
    pub(crate) fn moved_since(&self, earlier: &Versions, areas: &[ChangeArea]) -> bool {
        areas.iter().any(|a| self.0[*a as usize] != earlier.0[*a as usize])
    }

    /// Whether the client signed out.
    pub(crate) fn closed(&self) -> bool {
        self.0[ChangeArea::Closed as usize] > 0
    }
}

/// The feed's sending side (one per store).
#[derive(Debug)]
pub(crate) struct Changes {
    sender: watch::Sender<Versions>,
}

impl Changes {
    pub(crate) fn new() -> Self {
        Self {
            sender: watch::Sender::new(Versions::default()),
        }
    }

    /// Records a change in `area` (never blocks; nobody listening is fine).
    pub(crate) fn touch(&self, area: ChangeArea) {
        self.sender.send_modify(|v| v.0[area as usize] += 1);
    }

    /// A receiver that sees every later change (and the current versions).
    pub(crate) fn subscribe(&self) -> watch::Receiver<Versions> {
        self.sender.subscribe()
    }

    /// The area a sealed tree of the store belongs to (`None`: nobody
    /// watches it, like the software signer's secret).
    pub(crate) fn area_of_tree(tree: &str) -> Option<ChangeArea> {
        match tree {
            "keys" => Some(ChangeArea::Keys),
            "lock_meta" | "lock_state" | "revocations" | "time_tokens" | "fast_keys" => Some(ChangeArea::Locks),
            "pin_lists" | "pin_lists_acked" | "pin_secrets" => Some(ChangeArea::Pins),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touch_moves_only_its_own_area() {
        let changes = Changes::new();
        let mut rx = changes.subscribe();
        let before = *rx.borrow_and_update();
        changes.touch(ChangeArea::Outbox);
        assert!(rx.has_changed().unwrap());
        let after = *rx.borrow_and_update();
        assert!(after.moved_since(&before, &[ChangeArea::Keys, ChangeArea::Outbox]));
        assert!(!after.moved_since(&before, &[ChangeArea::Keys, ChangeArea::Locks]));
        assert!(!after.closed());
        changes.touch(ChangeArea::Closed);
        assert!(rx.borrow_and_update().closed());
    }

    #[test]
    fn every_sealed_tree_that_app_screens_show_has_an_area() {
        for tree in [
            "keys",
            "lock_meta",
            "lock_state",
            "revocations",
            "pin_lists",
            "pin_secrets",
        ] {
            assert!(Changes::area_of_tree(tree).is_some(), "{tree}");
        }
        assert_eq!(Changes::area_of_tree("secrets"), None);
    }
}
