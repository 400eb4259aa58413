//! The backup way in on record, and the emergency access sheet.

use super::{blocking, Emergency};
use crate::diagnostics::Catalog;
use crate::error::LatchkeyError;
use crate::sheet::{EmergencySheet, ReadinessSummary};
use crate::store::{BackupEntry, BackupMethod};
use latchkey_protocol::LockId;

impl Emergency<'_> {
    /// Records how to get in when the app can't open `lock_id` (shown on
    /// the emergency sheet and read by the readiness check). `details` says
    /// where or who ("spare key with the neighbour at no. 12"): never write
    /// a PIN here.
    pub async fn set_backup_entry(
        &self,
        lock_id: LockId,
        method: BackupMethod,
        details: impl Into<String>,
    ) -> Result<(), LatchkeyError> {
        let store = self.0.store.clone();
        let entry = BackupEntry {
            method,
            details: details.into(),
            recorded_at: self.0.clock.now_unix(),
        };
        blocking(move || {
            store.locks().update_state(&lock_id, |s| s.backup_entry = Some(entry))?;
            Ok(())
        })
        .await
    }

    /// The emergency access sheet for `lock_id`, with the last
    /// offline-readiness check when the app ran one (see
    /// [`ReadinessSummary::from_report`]).
    pub async fn sheet(
        &self,
        lock_id: LockId,
        readiness: Option<ReadinessSummary>,
    ) -> Result<EmergencySheet, LatchkeyError> {
        let store = self.0.store.clone();
        let now = self.0.clock.now_unix();
        blocking(move || EmergencySheet::from_store(&store, &lock_id, now, readiness)).await
    }

    /// [`Emergency::sheet`] in `locale`: steps, advice, notes and
    /// schedules from `catalog`; render it with the same texts
    /// ([`EmergencySheet::to_markdown_in`]).
    pub async fn sheet_in(
        &self,
        lock_id: LockId,
        readiness: Option<ReadinessSummary>,
        catalog: &Catalog,
        locale: &str,
    ) -> Result<EmergencySheet, LatchkeyError> {
        let store = self.0.store.clone();
        let now = self.0.clock.now_unix();
        let (catalog, locale) = (catalog.clone(), locale.to_string());
        blocking(move || EmergencySheet::from_store_in(&store, &lock_id, now, readiness, &catalog.texts(&locale))).await
    }
}
