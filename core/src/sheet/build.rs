//! Gathering the sheet's facts from the store. Only descriptions are
//! copied out of the records: labels, roles, windows, flags. Never a
//! certificate, key, PIN hash, salt or secret.

use super::advice::{steps, BatteryAdvice, BatteryReading, StepFacts};
use super::words::args;
use super::{CredentialKind, EmergencySheet, ReadinessSummary, SheetCredential};
use crate::diagnostics::{Catalog, Texts, DEFAULT_LOCALE};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::store::Store;
use latchkey_protocol::pin::PinSlotChange;
use latchkey_protocol::{Faults, LockId, PinClass};

impl EmergencySheet {
    /// The sheet for `lock_id` as of `now` (phone clock), from what `store`
    /// holds, with the last readiness check if the app ran one, in English.
    pub fn from_store(
        store: &Store,
        lock_id: &LockId,
        now: u32,
        readiness: Option<ReadinessSummary>,
    ) -> Result<Self, LatchkeyError> {
        Self::from_store_in(store, lock_id, now, readiness, &Catalog::new().texts(DEFAULT_LOCALE))
    }

    /// [`EmergencySheet::from_store`] with its steps, advice, notes and
    /// schedules in the locale of `texts` (render it with the same texts:
    /// [`EmergencySheet::to_markdown_in`]).
    pub fn from_store_in(
        store: &Store,
        lock_id: &LockId,
        now: u32,
        readiness: Option<ReadinessSummary>,
        texts: &Texts<'_>,
    ) -> Result<Self, LatchkeyError> {
        let note = |key: &str| texts.render(&format!("sheet.note.{key}"), &[]);
        let meta = store.locks().get_meta(lock_id)?.ok_or_else(|| {
            LatchkeyError::refused_locally(DiagnosisCode::UnknownLock, "this phone has no record of that lock")
        })?;
        let state = store.locks().state(lock_id)?;
        let pin_status = crate::client::read_pin_status(store, lock_id)?;
        let pending_slots: Vec<u8> = pin_status
            .pending_changes
            .iter()
            .flatten()
            .filter_map(|c| match c.change {
                PinSlotChange::Added(n) | PinSlotChange::Changed(n) => Some(n),
                PinSlotChange::Removed(_) => None,
            })
            .collect();

        let mut credentials = Vec::new();
        let mut keys = store.keys().for_lock(lock_id, &meta.groups)?;
        latchkey_protocol::order::sort_by(&mut keys, |a, b| a.label.cmp(&b.label));
        for k in keys.iter().filter(|k| k.key.grant.not_after > now) {
            let g = &k.key.grant;
            credentials.push(SheetCredential {
                kind: CredentialKind::PhoneKey,
                holder: k.label.clone(),
                role: g.role.name().to_string(),
                valid_from: Some(g.not_before).filter(|t| *t != 0),
                valid_until: Some(g.not_after).filter(|t| *t != u32::MAX),
                schedule: g.schedule.as_ref().map(|s| texts.schedule(s)),
                works_offline: g.offline_allowed,
                notes: vec![note("on_this_phone")],
            });
        }
        let held = store.pins().newest(lock_id)?;
        let mut residents = Vec::new();
        if let Some(held) = &held {
            for slot in held.list.slots.iter().filter(|s| s.not_after > now) {
                let label = held.labels.get(&slot.slot).cloned();
                if slot.class != PinClass::Guest {
                    residents.extend(label.clone());
                }
                let mut notes = Vec::new();
                if slot.one_time {
                    notes.push(note("one_time"));
                }
                if pin_status.pending && pending_slots.contains(&slot.slot) {
                    notes.push(note("not_on_lock_yet"));
                }
                credentials.push(SheetCredential {
                    kind: CredentialKind::KeypadPin,
                    holder: label
                        .unwrap_or_else(|| texts.render("sheet.pin_slot", &args(&[("slot", slot.slot.to_string())]))),
                    role: slot.class.name().to_string(),
                    valid_from: Some(slot.not_before).filter(|t| *t != 0),
                    valid_until: Some(slot.not_after).filter(|t| *t != u32::MAX),
                    schedule: slot.schedule.as_ref().map(|s| texts.schedule(s)),
                    works_offline: true,
                    notes,
                });
            }
        }

        let battery = BatteryAdvice::from_reading_in(
            state.last_status.map(|o| BatteryReading {
                percent: o.status.battery_percent,
                millivolts: o.status.battery_mv,
                low: o.status.faults.has(Faults::BATTERY_LOW),
                critical: o.status.faults.has(Faults::BATTERY_CRITICAL),
                observed_at: o.observed_at,
            }),
            now,
            texts,
        );
        let can_make_offline_pins = store.pins().pin_secret(lock_id)?.is_some();
        let facts = StepFacts {
            has_offline_key: credentials
                .iter()
                .any(|c| c.kind == CredentialKind::PhoneKey && c.works_offline),
            has_keypad_pins: credentials.iter().any(|c| c.kind == CredentialKind::KeypadPin),
            can_make_offline_pins,
            other_holders: residents.iter().map(String::as_str).collect(),
            backup: state.backup_entry.as_ref(),
            battery: battery.level,
        };
        let steps = steps(&facts, texts);
        Ok(Self {
            lock_name: meta.name,
            lock_id: *lock_id,
            generated_at: now,
            utc_offset_min: meta.utc_offset_min,
            pending_pin_changes: match &pin_status.pending_changes {
                Some(changes) => changes.len(),
                None => usize::from(pin_status.pending),
            },
            credentials,
            can_make_offline_pins,
            backup_entry: state.backup_entry.clone(),
            battery,
            readiness,
            steps,
        })
    }
}
