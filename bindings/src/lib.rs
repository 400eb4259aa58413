//! # latchkey-ffi
//!
//! The UniFFI surface of latchkey for Kotlin (Android) and Swift (iOS). One
//! library for the whole app (a cdylib for Android, a staticlib inside an
//! XCFramework for iOS).
//!
//! It holds no logic beyond translation: identifiers and keys to and from
//! hex and bytes, core records and errors to exported ones, the app's
//! foreign traits (`BleCentral`, `KeyStore`, `Signer`, `AuthProvider`,
//! `ProgressListener`, `LogSink`) to the core's, and running async calls
//! on the library's runtime. Every decision (unlock path, offline policy,
//! diagnosis, sync) is latchkey-core's. The dependency goes one way:
//! latchkey-core never depends on this crate and never sees a UniFFI
//! type; nothing else depends on it either (apps load the built library).
//!
//! The integration story, in order, as an app meets it:
//!
//! 1. Optionally [`install_log_sink`] so the library's log lines reach
//!    Logcat or OSLog.
//! 2. Build one long-lived [`LatchkeyClient`] with a
//!    [`LatchkeyClientBuilder`]: a [`ClientConfig`] (data directory, cloud
//!    URL, TLS roots and pins) plus the platform services the app brings:
//!    a [`BleCentral`] (BluetoothGatt, CoreBluetooth), a [`KeyStore`] and
//!    a [`Signer`] (Android Keystore/StrongBox, Keychain/Secure Enclave)
//!    and an [`AuthProvider`] (the account's bearer token).
//! 3. While online, put credentials in through [`LatchkeyClient::keys`]
//!    ([`KeysClient`]): lock metadata, digital keys, revocation lists,
//!    time tokens.
//!    With a cloud configured, [`LatchkeyClient::sync`] ([`SyncClient`])
//!    fetches them and uploads the event outbox.
//! 4. Tell the client about connectivity ([`LatchkeyClient::set_online`])
//!    and run commands through [`LatchkeyClient::locks`] ([`LocksClient`]):
//!    `unlock`, `lock`, `status` are suspend functions / async, report
//!    steps to a [`ProgressListener`] and fail with a typed
//!    [`CommandError`] whose `DiagnosisCode` a UI can explain.
//! 5. Cancelling the caller's coroutine or task drops the command: nothing
//!    is half-written (every store write is one flushed step), the foreign
//!    connection is closed, and the client stays usable.
//! 6. When something is wrong, [`LatchkeyClient::diagnostics`]
//!    ([`DiagnosticsClient`]) turns the app's platform snapshot, the store
//!    and the last command's outcome into plain-language findings.
//!
//! A widget, watch or tile process opens locks with a small
//! [`QuickUnlock`] over the directory the app's client shares
//! (`ClientConfig.quick_access_dir`), without building the client.
//!
//! `docs/bindings.md` is the integration guide.
//!
//! Test and demo builds enable the `sim` feature, which exports
//! `SimulatedWorld`: a key authority, a simulated radio and locks, so the
//! whole story runs with no hardware and no network.
//!
//! Rust panics surface as exceptions in Kotlin and Swift (the library is
//! never built with `panic = "abort"`).

#[cfg(target_os = "android")]
mod android;
mod cancel;
mod client;
mod config;
mod diagnostics;
mod enums;
mod errors;
mod firmware;
mod keys;
mod locks;
mod pins;
mod platform;
mod quick;
mod records;
mod runtime;
mod session;
mod setup;
mod sheet;
mod sign_out;
#[cfg(feature = "sim")]
mod sim;
mod subclients;
mod sync;
mod watch;

pub use cancel::CancelToken;
pub use client::{quarantine_store, LatchkeyClient, LatchkeyClientBuilder, StoreQuarantine};
pub use config::ClientConfig;
pub use diagnostics::{
    explain_diagnosis, explain_diagnosis_in, match_locale, DiagnosticsClient, DiagnosticsError, Finding,
    MessageCatalog, ReadinessCheck, ReadinessReport, Troubleshooter, WizardStep,
};
pub use errors::{ClientError, CommandError, CredentialError};
pub use firmware::{FirmwareClient, FirmwareStatus, FirmwareUpdate};
pub use keys::KeysClient;
pub use locks::LocksClient;
pub use pins::{KeypadInfo, OfflinePin, PendingPinChange, PinChangeKind, PinStatus, PinsClient};
pub use platform::auth::{AuthError, AuthProvider};
pub use platform::ble::{
    latchkey_gatt_service, BleAdapterState, BleCentral, BleError, BleEvents, BleScanRequest, BleStack, BleStart,
    GattService,
};
pub use platform::keys::{KeyStore, KeyStoreError, Signer};
pub use platform::log::{install_log_sink, LogLevel, LogRecord, LogSink};
pub use platform::progress::{Progress, ProgressListener};
pub use quick::QuickUnlock;
pub use records::{CommandReport, EventGapRange, KeyInfo, KeySchedule, LockFaults, LockInfo, LockMetadata};
pub use setup::{ClaimSettings, SetupClient, SetupReport};
pub use sheet::{readiness_summary, EmergencyClient, EmergencySheet};
pub use sign_out::{KeyCustody, SignOutReport, SignOutUpload};
#[cfg(feature = "sim")]
pub use sim::{
    simulated_signer_check, SignerCheck, SimulatedAdvertisement, SimulatedAnswer, SimulatedCloud, SimulatedFault,
    SimulatedGrant, SimulatedKeypadOutcome, SimulatedLink, SimulatedLock, SimulatedNewLock, SimulatedPin,
    SimulatedWorld, SimulationError,
};
pub use sync::{
    CloudKey, CloudLockDrift, CloudPinChange, CloudPinDrift, DeadLetterInfo, KeyRequest, LockDrift, PinChangeRequest,
    SyncClient, SyncError, SyncFailure, SyncOutcome, SyncReport, SyncStatus,
};
#[cfg(feature = "sim")]
pub use watch::running_subscription_count;
pub use watch::{
    CommandOutcome, KeysListener, LockView, LockViewListener, NearbyLock, NearbyLocks, NearbyLocksListener,
    NearbyProblem, Subscription, SubscriptionError, SyncStatusListener,
};

uniffi::setup_scaffolding!();

/// The library's version, for the app's about screen and support logs.
#[uniffi::export]
pub fn latchkey_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
