//! # The emergency access sheet
//!
//! A printable page, for one lock, that answers "how do we get in when the
//! app can't?" before that day comes: which credentials work with no
//! network and who holds them, the backup way in on record, the battery and
//! when to replace it, the last offline-readiness check, and the steps to
//! take when the app can't connect.
//!
//! It never contains secret material: no key bytes, certificates or fast
//! keys, no PIN digits, salts or hashes, no offline PIN secret. Holders
//! appear by the names the host gave them, PINs by slot and name.
//!
//! The flow:
//!
//! 1. [`crate::Client::emergency_sheet`] (or [`EmergencySheet::from_store`])
//!    gathers the facts from the store; the last readiness check comes from
//!    the diagnostics engine ([`ReadinessSummary::from_report`] over
//!    [`crate::diagnostics::offline_readiness`]), since only the app can
//!    take the platform snapshot it needs.
//! 2. [`EmergencySheet::to_markdown`] or [`EmergencySheet::to_text`]
//!    renders it. In another language, make it with
//!    [`EmergencySheet::from_store_in`] and render it with
//!    [`EmergencySheet::to_markdown_in`] / [`EmergencySheet::to_text_in`]
//!    and the same [`crate::diagnostics::Texts`]: every text comes from the
//!    catalog's `sheet.*` keys, dates and schedules from its `format.*`.
//!    (No PDF: none of the well-kept Rust PDF crates makes a readable page
//!    without bundling fonts; print the Markdown or text.)

mod advice;
mod build;
mod render;
mod words;

pub use advice::{BatteryAdvice, BatteryLevel, BatteryReading};

use crate::store::BackupEntry;
use latchkey_protocol::LockId;

/// Everything the sheet says about one lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencySheet {
    /// The lock's display name.
    pub lock_name: String,
    /// The lock.
    pub lock_id: LockId,
    /// When the sheet was made (phone clock, unix seconds).
    pub generated_at: u32,
    /// The lock's local time offset, for every time on the sheet.
    pub utc_offset_min: i16,
    /// Credentials that open the lock, phone keys first.
    pub credentials: Vec<SheetCredential>,
    /// This phone can make offline keypad PINs (a host's phone).
    pub can_make_offline_pins: bool,
    /// PIN changes the lock has not received yet (deleted PINs still open
    /// until a phone delivers them).
    pub pending_pin_changes: usize,
    /// The backup way in on record.
    pub backup_entry: Option<BackupEntry>,
    /// Battery state and what to do about it.
    pub battery: BatteryAdvice,
    /// The last offline-readiness check, when the app ran one.
    pub readiness: Option<ReadinessSummary>,
    /// What to do when the app can't connect, in order.
    pub steps: Vec<String>,
}

/// What kind of credential a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// A digital key on a phone.
    PhoneKey,
    /// A PIN for the lock's keypad.
    KeypadPin,
}

impl CredentialKind {
    /// A short name, in English.
    pub fn name(self) -> &'static str {
        match self {
            Self::PhoneKey => "phone key",
            Self::KeypadPin => "keypad PIN",
        }
    }

    /// The stable snake_case name (`phone_key`, `keypad_pin`).
    pub fn key(self) -> &'static str {
        match self {
            Self::PhoneKey => "phone_key",
            Self::KeypadPin => "keypad_pin",
        }
    }
}

/// One credential, described without any secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetCredential {
    /// Phone key or keypad PIN.
    pub kind: CredentialKind,
    /// Who holds it, as the host named it.
    pub holder: String,
    /// Its role (`owner`, `resident`, `guest`…) or PIN class (`master`,
    /// `user`, `guest`): a code, named in the locale when rendered.
    pub role: String,
    /// First second it works (unix seconds; `None`: no start).
    pub valid_from: Option<u32>,
    /// First second it no longer works (`None`: no end).
    pub valid_until: Option<u32>,
    /// Days and hours, when limited ("Mon–Fri 08:00–18:00").
    pub schedule: Option<String>,
    /// Works with no network at all.
    pub works_offline: bool,
    /// Anything else worth knowing ("one-time", "not yet on the lock").
    pub notes: Vec<String>,
}

/// The last offline-readiness check, reduced to what a printed page needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessSummary {
    /// When it ran (phone clock, unix seconds).
    pub checked_at: u32,
    /// Whether the phone was ready to open the lock offline.
    pub ready: bool,
    /// Each line: status (`pass`, `warn`, `fail`, `unknown`) and text.
    pub lines: Vec<ReadinessLine>,
}

/// One line of a readiness check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessLine {
    /// `pass`, `warn`, `fail` or `unknown`.
    pub status: String,
    /// What was checked.
    pub title: String,
    /// What it found.
    pub message: String,
}

impl ReadinessSummary {
    /// From the diagnostics engine's report, run at `checked_at`.
    pub fn from_report(report: &crate::diagnostics::ReadinessReport, checked_at: u32) -> Self {
        Self {
            checked_at,
            ready: report.ready,
            lines: report
                .checks
                .iter()
                .map(|c| ReadinessLine {
                    status: c.status.as_str().to_string(),
                    title: c.title.clone(),
                    message: c.message.clone(),
                })
                .collect(),
        }
    }
}
