//! What the lock remembers about keys: verified certificates, fast keys
//! with their forward-only counters, stored command outcomes, and the
//! revocation list. Every table is bounded, as flash on a lock is.

use latchkey_protocol::{CertHash, Command, CommandId, DigitalKey, FastKey, KeyId, ResultCode, RevocationList};

/// A small table that evicts its least recently used entry when full.
/// Linear scans: the tables hold tens of entries, as on a microcontroller.
#[derive(Debug)]
pub(crate) struct Lru<K, V> {
    capacity: usize,
    entries: Vec<(K, V, u64)>,
    tick: u64,
}

impl<K: PartialEq, V> Lru<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: Vec::new(),
            tick: 0,
        }
    }

    fn touch(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    /// The value for `key`, marking it recently used.
    pub(crate) fn get(&mut self, key: &K) -> Option<&mut V> {
        let tick = self.touch();
        let entry = self.entries.iter_mut().find(|(k, _, _)| k == key)?;
        entry.2 = tick;
        Some(&mut entry.1)
    }

    /// Inserts or replaces; evicts the least recently used entry when full.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        let tick = self.touch();
        if let Some(entry) = self.entries.iter_mut().find(|(k, _, _)| *k == key) {
            entry.1 = value;
            entry.2 = tick;
            return;
        }
        if self.entries.len() >= self.capacity {
            if let Some(oldest) = self
                .entries
                .iter()
                .enumerate()
                .min_by_key(|(_, (_, _, used))| *used)
                .map(|(i, _)| i)
            {
                self.entries.swap_remove(oldest);
            }
        }
        self.entries.push((key, value, tick));
    }

    /// The value for `key`, without marking it used: looking an entry up
    /// must not keep it alive (a stored outcome polled forever would never
    /// age out).
    pub(crate) fn peek(&self, key: &K) -> Option<&V> {
        self.entries.iter().find(|(k, _, _)| k == key).map(|(_, v, _)| v)
    }

    /// Whether `key` is present (does not count as a use).
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.entries.iter().any(|(k, _, _)| k == key)
    }

    /// Entries held.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

/// A fast key and what the lock needs to re-check on every FAST.
#[derive(Debug, Clone)]
pub(crate) struct FastEntry {
    pub(crate) key: FastKey,
    /// Highest counter accepted so far (0 after AUTH: the first FAST uses 1).
    pub(crate) counter: u32,
    /// The certificate the key was derived for: validity, schedule, role
    /// and revocation are re-checked against it without any signature.
    pub(crate) cert: DigitalKey,
}

/// The stored result of an authorized actuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoredOutcome {
    pub(crate) command: Command,
    pub(crate) code: ResultCode,
}

/// All credential state; wiped by a factory reset.
#[derive(Debug)]
pub(crate) struct Credentials {
    pub(crate) cert_cache: Lru<CertHash, DigitalKey>,
    pub(crate) fast_keys: Lru<KeyId, FastEntry>,
    pub(crate) outcomes: Lru<(KeyId, CommandId), StoredOutcome>,
    revocations: Option<RevocationList>,
}

impl Credentials {
    pub(crate) fn new(cert_cache: usize, fast_keys: usize, outcomes: usize) -> Self {
        Self {
            cert_cache: Lru::new(cert_cache),
            fast_keys: Lru::new(fast_keys),
            outcomes: Lru::new(outcomes),
            revocations: None,
        }
    }

    /// Sequence number of the installed revocation list (0: none).
    pub(crate) fn revocation_seq(&self) -> u32 {
        self.revocations.as_ref().map_or(0, |l| l.seq)
    }

    /// Whether the installed list revokes `key`.
    pub(crate) fn is_revoked(&self, key: &KeyId) -> bool {
        self.revocations.as_ref().is_some_and(|l| l.revokes(key))
    }

    /// Replaces the list (the caller checked signature and seq).
    pub(crate) fn install_revocations(&mut self, list: RevocationList) {
        self.revocations = Some(list);
    }

    /// A firmware that does not keep them: certificates and fast keys go
    /// (every phone runs AUTH again); outcomes and the list stay.
    pub(crate) fn drop_certificates(&mut self) {
        self.cert_cache.clear();
        self.fast_keys.clear();
    }

    /// Forgets everything (factory reset).
    pub(crate) fn wipe(&mut self) {
        self.cert_cache.clear();
        self.fast_keys.clear();
        self.outcomes.clear();
        self.revocations = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_evicts_least_recently_used() {
        let mut t: Lru<u8, u8> = Lru::new(2);
        t.insert(1, 10);
        t.insert(2, 20);
        assert!(t.get(&1).is_some());
        t.insert(3, 30);
        assert!(t.contains(&1));
        assert!(!t.contains(&2));
        assert!(t.contains(&3));
    }
}
