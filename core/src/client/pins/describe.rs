//! PIN drift in words, for the app's status screen, the wizard and the
//! CLI: "PIN 'Cleaner' deleted in the portal on Monday 2026-11-16, lock
//! still accepts it: last contact Sunday 2026-11-15". Dates are in the
//! lock's local time.

use super::status::{PendingPinChange, PinStatus};
use crate::time::local_day;
use latchkey_protocol::pin::PinSlotChange;

impl PendingPinChange {
    /// One sentence: what changed in the portal and when, what the lock
    /// still does about it, and when a phone last talked to the lock.
    pub fn describe(&self, last_contact: Option<u32>, utc_offset_min: i16) -> String {
        let mut pin = match &self.label {
            Some(label) => format!("PIN '{label}'"),
            None => format!("PIN in slot {}", self.slot()),
        };
        if let Some(holder) = &self.holder {
            pin.push_str(&format!(" ({holder})"));
        }
        let cosmetic = !self.parts.is_empty() && self.parts.iter().all(|p| p == "label" || p == "holder");
        let (verb, effect) = match self.change {
            PinSlotChange::Added(_) => ("created".to_string(), "lock does not accept it yet"),
            PinSlotChange::Removed(_) => ("deleted".to_string(), "lock still accepts it"),
            PinSlotChange::Changed(_) if cosmetic => (
                format!("renamed ({})", self.parts.join(", ")),
                "the code works as before",
            ),
            PinSlotChange::Changed(_) if self.parts.is_empty() => {
                ("changed".to_string(), "lock still applies the old version")
            }
            PinSlotChange::Changed(_) => (
                format!("changed ({})", self.parts.join(", ")),
                "lock still applies the old version",
            ),
        };
        let when = match self.changed_at {
            Some(at) => format!(" on {}", local_day(at, utc_offset_min)),
            None => String::new(),
        };
        format!(
            "{pin} {verb} in the portal{when}, {effect}: {}",
            contact(last_contact, utc_offset_min)
        )
    }
}

impl PinStatus {
    /// One sentence per change the lock has not received, oldest slot
    /// first; empty when the lock is up to date. When the phone can't
    /// name the changes, one sentence for all of them.
    pub fn describe(&self) -> Vec<String> {
        if !self.pending {
            return Vec::new();
        }
        match &self.pending_changes {
            Some(changes) if !changes.is_empty() => changes
                .iter()
                .map(|c| {
                    // Without the change log, a single pending list was
                    // made when it was signed.
                    let mut c = c.clone();
                    if self.pending_count == 1 {
                        c.changed_at = c.changed_at.or(self.held_issued_at);
                    }
                    c.describe(self.last_contact, self.utc_offset_min)
                })
                .collect(),
            _ => {
                let n = self.pending_count;
                let newest = |prefix: &str| match self.held_issued_at {
                    Some(at) => format!(" ({prefix}on {})", local_day(at, self.utc_offset_min)),
                    None => String::new(),
                };
                let what = if n == 1 {
                    format!("1 PIN change made in the portal{} has", newest(""))
                } else {
                    format!("{n} PIN changes made in the portal{} have", newest("the newest "))
                };
                vec![format!(
                    "{what} not reached the lock: {}",
                    contact(self.last_contact, self.utc_offset_min)
                )]
            }
        }
    }
}

fn contact(last_contact: Option<u32>, utc_offset_min: i16) -> String {
    match last_contact {
        Some(at) => format!("last contact {}", local_day(at, utc_offset_min)),
        None => "no contact with the lock yet".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUNDAY: u32 = 1_794_736_800; // 2026-11-15 10:00 UTC
    const MONDAY: u32 = SUNDAY + 86_400;

    fn change(change: PinSlotChange, label: Option<&str>, parts: &[&str]) -> PendingPinChange {
        PendingPinChange {
            change,
            label: label.map(str::to_string),
            holder: None,
            changed_at: Some(MONDAY),
            parts: parts.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn days_are_named_in_the_locks_local_time() {
        assert_eq!(local_day(SUNDAY, 0), "Sunday 2026-11-15");
        assert_eq!(local_day(MONDAY, 0), "Monday 2026-11-16");
        assert_eq!(local_day(0, 0), "Thursday 1970-01-01");
        // 23:30 on Sunday in New York is already Monday in UTC.
        assert_eq!(local_day(1_794_803_400, -300), "Sunday 2026-11-15");
    }

    #[test]
    fn each_pending_change_reads_as_one_sentence() {
        let deleted = change(PinSlotChange::Removed(3), Some("Cleaner"), &[]);
        assert_eq!(
            deleted.describe(Some(SUNDAY), 0),
            "PIN 'Cleaner' deleted in the portal on Monday 2026-11-16, lock still accepts it: last contact Sunday 2026-11-15"
        );
        let created = change(PinSlotChange::Added(4), None, &[]);
        assert_eq!(
            created.describe(None, 0),
            "PIN in slot 4 created in the portal on Monday 2026-11-16, lock does not accept it yet: no contact with the lock yet"
        );
        let mut changed = change(PinSlotChange::Changed(1), Some("Ann"), &["code", "window"]);
        changed.holder = Some("Ann Lee".into());
        changed.changed_at = None;
        assert_eq!(
            changed.describe(Some(SUNDAY), 0),
            "PIN 'Ann' (Ann Lee) changed (code, window) in the portal, lock still applies the old version: last contact Sunday 2026-11-15"
        );
        let renamed = change(PinSlotChange::Changed(1), Some("Ann"), &["label"]);
        assert!(renamed.describe(None, 0).contains("renamed (label)"));
        assert!(renamed.describe(None, 0).contains("the code works as before"));
    }
}
