//! # Diagnostics: why the phone can't open the lock, in plain words
//!
//! Every Bluetooth stack hands apps raw codes (GATT 133, "unauthorized",
//! an empty scan). This module turns what the platform and the lock say
//! into findings a resident can act on, the same way on Android, iOS and
//! desktop.
//!
//! The flow, in order:
//!
//! 1. The app fills a [`PlatformSnapshot`] (Android permissions, location
//!    services, adapter, background limits, scan throttling, last GATT
//!    status; iOS/macOS CoreBluetooth state and authorization; Linux BlueZ
//!    state; network). Its JSON form is documented in `docs/diagnostics.md`.
//! 2. The core fills [`LockObservations`] from its store with
//!    [`LockObservations::builder`] (last status, battery, bolt and door,
//!    clock, key state, revocation drift, whether the lock has an owner and
//!    what its firmware updates did) plus the last failure.
//! 3. [`diagnose`] returns [`Finding`]s, root cause first: a stable
//!    [`FindingCode`], a [`Severity`], a title, an explanation, numbered
//!    steps and the [`PlatformAction`] to offer. Only real causes: nothing
//!    for a permission the platform version does not need.
//! 4. Texts come from the [`Catalog`] (stable keys, English built in,
//!    translations added by the app, per-key fallback to English).
//! 5. For a symptom ("can't connect", "keys don't work", "status won't
//!    update", "door doesn't lock fully"), a [`Troubleshooter`] walks the
//!    person through questions, checks and fixes to one diagnosis.
//! 6. [`offline_readiness`] checks, before an outage, that this phone can
//!    open the lock with no network; [`after_reconnection`] checks that
//!    everything kept offline reached the cloud.
//!
//! Failures from the rest of the core ([`crate::LatchkeyError`]) carry a
//! [`crate::DiagnosisCode`]; [`explain`] turns one into a finding, and every
//! diagnosis code has a finding code of the same name.

mod catalog;
mod codes;
mod finding;
mod kinds;
mod life_facts;
mod observations;
mod observe;
mod readiness;
mod rules;
mod snapshot;
mod wire_names;
mod wizard;

pub use catalog::{
    check_translations, english_arb, english_fingerprint, match_locale, plural_categories, Catalog, CatalogError,
    LocaleFile, ProblemKind, Texts, TranslationProblem, DEFAULT_LOCALE,
};
pub use codes::FindingCode;
pub use finding::{Finding, MessageArg};
pub use kinds::{FindingArea, PlatformAction, Severity};
pub use observations::{
    BatteryObservation, BatterySample, BatteryTrend, ClockObservation, KeyObservation, KeyState, LastError, LastSeen,
    LifeObservation, LockObservations, MechanicsObservation, PinObservation, RevocationObservation, UnlockRecord,
};
pub use observe::ObservationsBuilder;
pub use readiness::{
    after_reconnection, after_reconnection_in, offline_readiness, offline_readiness_in, CheckStatus, ReadinessCheck,
    ReadinessItem, ReadinessPolicy, ReadinessReport, ReconnectionFacts,
};
pub use snapshot::{
    probe_linux, AdapterState, AndroidPermissions, AndroidSnapshot, BluezState, CbAuthorization, CbManagerState,
    DeviceSnapshot, IosSnapshot, LinuxProbe, LinuxSnapshot, MacosSnapshot, NetworkSnapshot, PermissionState,
    PlatformSnapshot, ProbeFact, SnapshotError, SNAPSHOT_FORMAT,
};
pub use wizard::{Answer, Choice, RecordedAnswer, StepId, StepKind, Symptom, Troubleshooter, WizardError, WizardStep};

use crate::error::DiagnosisCode;

/// The findings for this platform and lock, root cause first, in English.
pub fn diagnose(snapshot: &PlatformSnapshot, observations: &LockObservations) -> Vec<Finding> {
    diagnose_in(snapshot, observations, &Catalog::new(), DEFAULT_LOCALE)
}

/// [`diagnose`] with texts in `locale` (falling back to English key by key).
pub fn diagnose_in(
    snapshot: &PlatformSnapshot,
    observations: &LockObservations,
    catalog: &Catalog,
    locale: &str,
) -> Vec<Finding> {
    rules::evaluate(snapshot, observations)
        .into_iter()
        .map(|d| catalog.finding(locale, d))
        .collect()
}

/// The finding that explains a failure code on its own (no snapshot), in English.
pub fn explain(code: DiagnosisCode) -> Finding {
    explain_in(code, &Catalog::new(), DEFAULT_LOCALE)
}

/// [`explain`] with texts in `locale`.
pub fn explain_in(code: DiagnosisCode, catalog: &Catalog, locale: &str) -> Finding {
    catalog.finding(locale, rules::Draft::new(FindingCode::from_diagnosis(code)))
}
