//! The sub-clients added to [`LatchkeyClient`] beside keys, locks,
//! diagnostics and sync: keypad PINs, the emergency sheet, diagnostics in
//! another language, setting locks up, and firmware.

use crate::client::LatchkeyClient;
use crate::diagnostics::{DiagnosticsClient, MessageCatalog, Texts};
use crate::firmware::FirmwareClient;
use crate::pins::PinsClient;
use crate::setup::SetupClient;
use crate::sheet::EmergencyClient;
use std::sync::Arc;

#[uniffi::export]
impl LatchkeyClient {
    /// Keypad PINs: PIN lists, PIN drift, offline PINs (host phones).
    pub fn pins(&self) -> Arc<PinsClient> {
        Arc::new(PinsClient::new(self.session.clone()))
    }

    /// Setting locks up: claiming a new one, re-commissioning a reset one.
    pub fn setup(&self) -> Arc<SetupClient> {
        Arc::new(SetupClient::new(self.session.clone()))
    }

    /// The lock's firmware: what it runs, and updates delivered offline.
    pub fn firmware(&self) -> Arc<FirmwareClient> {
        Arc::new(FirmwareClient::new(self.session.clone()))
    }

    /// The backup way in and the emergency access sheet, in English.
    pub fn emergency(&self) -> Arc<EmergencyClient> {
        Arc::new(EmergencyClient::new(self.session.clone(), Texts::default()))
    }

    /// The emergency access sheet with its texts, dates and schedules in
    /// `locale` from `catalog` (the same catalog and locale as
    /// [`LatchkeyClient::diagnostics_in`], so its readiness lines match).
    pub fn emergency_in(&self, catalog: Arc<MessageCatalog>, locale: String) -> Arc<EmergencyClient> {
        Arc::new(EmergencyClient::new(self.session.clone(), Texts::new(catalog, locale)))
    }

    /// Diagnostics with texts in `locale` (`de`, `pt-BR`) from `catalog`,
    /// falling back to the language, then English, key by key.
    pub fn diagnostics_in(&self, catalog: Arc<MessageCatalog>, locale: String) -> Arc<DiagnosticsClient> {
        Arc::new(DiagnosticsClient::new(
            self.session.clone(),
            Texts::new(catalog, locale),
        ))
    }
}
