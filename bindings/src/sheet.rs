//! The emergency access sheet: `client.emergency()`. One printable page
//! per lock that answers "how do we get in when the app can't?": which
//! credentials work offline and who holds them, the backup way in on
//! record, the battery, the last offline-readiness check and the steps to
//! take. It never holds secret material (no key bytes, PIN digits, hashes
//! or PIN secrets).
//!
//! ```kotlin
//! client.emergency().setBackupEntry(lockId, BackupMethod.SOMEONE_NEARBY, "Spare key with Ana, flat 12")
//! val report = client.diagnostics().offlineReadiness(snapshot, lockId)
//! val sheet = client.emergency().sheet(lockId, readinessSummary(report, checkedAt))
//! print(sheet.markdown)                       // or sheet.text (80 columns)
//! ```

use crate::diagnostics::{DiagnosticsError, ReadinessReport, Texts};
use crate::errors::CredentialError;
use crate::session::Session;
use latchkey_core::sheet::{
    BatteryAdvice, BatteryLevel, BatteryReading, CredentialKind, EmergencySheet as CoreSheet, ReadinessLine,
    ReadinessSummary, SheetCredential,
};
use latchkey_core::store::{BackupEntry, BackupMethod};
use latchkey_core::Client;
use latchkey_protocol::LockId;
use std::sync::Arc;

/// Everything the sheet says about one lock, and the page itself.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EmergencySheet {
    /// The lock's display name.
    pub lock_name: String,
    /// The lock (hex id).
    pub lock_id: String,
    /// When the sheet was made (unix seconds).
    pub generated_at: u32,
    /// The lock's offset from UTC in minutes (every time on the page is
    /// the lock's local time).
    pub utc_offset_min: i16,
    /// Credentials that open the lock, phone keys first.
    pub credentials: Vec<SheetCredential>,
    /// This phone can make offline keypad PINs (a host's phone).
    pub can_make_offline_pins: bool,
    /// PIN changes the lock has not received yet.
    pub pending_pin_changes: u32,
    /// The backup way in on record.
    pub backup_entry: Option<BackupEntry>,
    /// Battery state and what to do about it.
    pub battery: BatteryAdvice,
    /// The last offline-readiness check, when the app passed one.
    pub readiness: Option<ReadinessSummary>,
    /// What to do when the app can't connect, in order.
    pub steps: Vec<String>,
    /// The page as Markdown.
    pub markdown: String,
    /// The page as plain text (80 columns), to print as is.
    pub text: String,
}

impl EmergencySheet {
    /// The core's sheet, its page rendered with `texts` (those it was made with).
    fn rendered(s: CoreSheet, texts: &latchkey_core::diagnostics::Texts<'_>) -> Self {
        Self {
            markdown: s.to_markdown_in(texts),
            text: s.to_text_in(texts),
            lock_name: s.lock_name,
            lock_id: s.lock_id.to_hex(),
            generated_at: s.generated_at,
            utc_offset_min: s.utc_offset_min,
            credentials: s.credentials,
            can_make_offline_pins: s.can_make_offline_pins,
            pending_pin_changes: u32::try_from(s.pending_pin_changes).unwrap_or(u32::MAX),
            backup_entry: s.backup_entry,
            battery: s.battery,
            readiness: s.readiness,
            steps: s.steps,
        }
    }
}

/// The backup way in and the emergency sheet: `client.emergency()`, or
/// `client.emergencyIn(catalog, locale)` for a sheet in another language.
#[derive(uniffi::Object)]
pub struct EmergencyClient {
    session: Session,
    texts: Texts,
}

impl EmergencyClient {
    pub(crate) fn new(session: Session, texts: Texts) -> Self {
        Self { session, texts }
    }

    fn phone(&self) -> Result<Arc<Client>, CredentialError> {
        self.session.client()
    }
}

fn lock_id(hex: &str) -> Result<LockId, CredentialError> {
    crate::keys::lock_id("lock id", hex)
}

#[uniffi::export(async_runtime = "tokio")]
impl EmergencyClient {
    /// Records how to get in when the app can't open the lock (shown on the
    /// sheet and read by the readiness check). `details` says where or who
    /// ("spare key with the neighbour at no. 12"): never write a PIN here.
    pub async fn set_backup_entry(
        &self,
        lock_id: String,
        method: BackupMethod,
        details: String,
    ) -> Result<(), CredentialError> {
        let id = self::lock_id(&lock_id)?;
        Ok(self.phone()?.emergency().set_backup_entry(id, method, details).await?)
    }

    /// The emergency access sheet for the lock, with the last
    /// offline-readiness check when the app ran one ([`readiness_summary`]),
    /// in this client's language.
    pub async fn sheet(
        &self,
        lock_id: String,
        readiness: Option<ReadinessSummary>,
    ) -> Result<EmergencySheet, CredentialError> {
        let id = self::lock_id(&lock_id)?;
        let (catalog, locale) = self.texts.with(|catalog, locale| (catalog.clone(), locale.to_string()));
        let sheet = self
            .phone()?
            .emergency()
            .sheet_in(id, readiness, &catalog, &locale)
            .await?;
        Ok(EmergencySheet::rendered(sheet, &catalog.texts(&locale)))
    }
}

/// The part of an offline-readiness report the sheet prints, run at
/// `checked_at` (unix seconds).
#[uniffi::export]
pub fn readiness_summary(report: ReadinessReport, checked_at: u32) -> Result<ReadinessSummary, DiagnosticsError> {
    Ok(ReadinessSummary::from_report(&report.into_core()?, checked_at))
}

/// How to get in when the app can't.
#[uniffi::remote(Enum)]
pub enum BackupMethod {
    /// A mechanical key.
    PhysicalKey,
    /// A PIN code on the lock's keypad.
    KeypadCode,
    /// Another phone with a key.
    AnotherPhone,
    /// Someone nearby with access (neighbour, concierge).
    SomeoneNearby,
    /// Something else (see the details).
    Other,
}

/// The backup way in on record.
#[uniffi::remote(Record)]
pub struct BackupEntry {
    /// Which method.
    pub method: BackupMethod,
    /// Where or who.
    pub details: String,
    /// When it was recorded (unix seconds).
    pub recorded_at: u32,
}

/// What kind of credential a sheet line is.
#[uniffi::remote(Enum)]
pub enum CredentialKind {
    /// A digital key on a phone.
    PhoneKey,
    /// A PIN for the lock's keypad.
    KeypadPin,
}

/// One credential, described without any secret.
#[uniffi::remote(Record)]
pub struct SheetCredential {
    /// Phone key or keypad PIN.
    pub kind: CredentialKind,
    /// Who holds it, as the host named it.
    pub holder: String,
    /// Its role (owner, resident, guest…) or PIN class (master, user, guest).
    pub role: String,
    /// First second it works (unix seconds; none: no start).
    pub valid_from: Option<u32>,
    /// First second it no longer works (none: no end).
    pub valid_until: Option<u32>,
    /// Days and hours, when limited ("Mon–Fri 08:00–18:00").
    pub schedule: Option<String>,
    /// Works with no network at all.
    pub works_offline: bool,
    /// Anything else worth knowing ("one-time", "not yet on the lock").
    pub notes: Vec<String>,
}

/// A battery reading from the lock's last full status.
#[uniffi::remote(Record)]
pub struct BatteryReading {
    /// Charge estimate, 0–100.
    pub percent: u8,
    /// Voltage in millivolts.
    pub millivolts: u16,
    /// The lock reported its battery low.
    pub low: bool,
    /// The lock reported its battery too weak to drive the motor.
    pub critical: bool,
    /// When the phone read it (unix seconds).
    pub observed_at: u32,
}

/// How worried to be about the battery.
#[uniffi::remote(Enum)]
pub enum BatteryLevel {
    /// No reading yet.
    Unknown,
    /// Nothing to do.
    Good,
    /// Plan a replacement.
    Fair,
    /// Replace soon.
    Low,
    /// Replace now: the motor may not move.
    Critical,
}

/// The battery line of the sheet.
#[uniffi::remote(Record)]
pub struct BatteryAdvice {
    /// The last reading, if any.
    pub reading: Option<BatteryReading>,
    /// How worried to be.
    pub level: BatteryLevel,
    /// What to do, in a sentence or two.
    pub advice: String,
}

/// The last offline-readiness check, reduced to what a printed page needs.
#[uniffi::remote(Record)]
pub struct ReadinessSummary {
    /// When it ran (unix seconds).
    pub checked_at: u32,
    /// Whether the phone was ready to open the lock offline.
    pub ready: bool,
    /// Each line of the check.
    pub lines: Vec<ReadinessLine>,
}

/// One line of a readiness check.
#[uniffi::remote(Record)]
pub struct ReadinessLine {
    /// `pass`, `warn`, `fail` or `unknown`.
    pub status: String,
    /// What was checked.
    pub title: String,
    /// What it found.
    pub message: String,
}
