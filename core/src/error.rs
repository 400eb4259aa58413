//! The public error of latchkey-core: one enum a caller can act on, each
//! variant mapping to a stable [`DiagnosisCode`] that the diagnostics
//! engine explains in plain language.
//!
//! Internal errors (storage, transport, protocol, attempt) convert into it
//! here, in one place.

use crate::store::StoreError;
use crate::transport::TransportError;
use latchkey_protocol::ResultCode;

/// A stable name for what went wrong, shared with the diagnostics engine,
/// logs, the CLI's JSON and the bindings. Values never change meaning.
/// In JSON it is its [`DiagnosisCode::as_str`] name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "snake_case", remote = "Self")]
pub enum DiagnosisCode {
    /// Bluetooth is switched off.
    BluetoothOff,
    /// A Bluetooth or location permission is missing.
    BluetoothPermission,
    /// The radio is blocked (rfkill, airplane mode): unblock, don't power on.
    BluetoothBlocked,
    /// The adapter is still starting; wait a moment and retry.
    BluetoothStarting,
    /// No adapter, or the platform's Bluetooth service is unavailable.
    BluetoothUnavailable,
    /// The lock was not found nearby.
    LockOutOfRange,
    /// Android ignores a sixth Bluetooth scan an app starts within 30 s;
    /// the next one could start only after the command's time was up.
    AndroidScanThrottled,
    /// The connection failed or dropped before the request reached the lock.
    ConnectionFailed,
    /// The request reached the lock but no answer came back.
    OutcomeUnknown,
    /// This phone holds no key for the lock.
    NoKey,
    /// The lock is not known to this phone (no commissioning data).
    UnknownLock,
    /// The key may not be used offline.
    KeyNotOfflineAllowed,
    /// The key has expired.
    KeyExpired,
    /// The key is not valid yet.
    KeyNotYetValid,
    /// The key is valid, but not at this day or hour.
    OutsideSchedule,
    /// The key was revoked.
    KeyRevoked,
    /// The key is for another lock.
    WrongLock,
    /// The lock rejected the key itself (forged, damaged, unknown issuer).
    KeyRejected,
    /// The key's role may not ask for this command (a service key may not
    /// unlatch); the phone refuses it before the radio, as the lock would.
    RoleNotAllowed,
    /// The bolt is jammed (motor stall).
    LockJammed,
    /// The bolt could not be thrown fully (strike misaligned).
    BoltNotThrown,
    /// The door is open; the lock will not throw the bolt.
    DoorAjar,
    /// The lock's battery is too weak.
    BatteryCritical,
    /// The lock's clock is not trusted; it needs a time token.
    ClockUntrusted,
    /// The lock's answer did not authenticate (not this lock, or tampering).
    LockNotAuthentic,
    /// The lock answered something this phone does not understand.
    ProtocolMismatch,
    /// The phone's own storage failed.
    Storage,
    /// Anything else the lock refused.
    LockRefused,
    /// Online, but the latchkey cloud can't be reached or keeps failing
    /// (network, TLS, timeouts, 5xx, rate limits); sync retries by itself.
    CloudUnreachable,
    /// The cloud refused this phone's sign-in even with a fresh token.
    CloudAuth,
    /// The cloud refused a request for good (refused events are kept in
    /// the outbox's dead letters).
    CloudRejected,
    /// The lock's keypad is locked out after repeated wrong PIN entries;
    /// codes work again once the lockout ends (at most an hour).
    KeypadLockedOut,
    /// The lock refused to check a first contact for now: it had spent its
    /// budget for requests that prove no key (a burst of failed or junk
    /// requests nearby). Nothing happened at the door; try again shortly.
    LockBusy,
    /// The phone's platform key (the holder key that signs for the phone,
    /// or the key store that protects the credential store) couldn't be
    /// used: the device is locked, authentication was cancelled, or the
    /// key was reset. Nothing was sent to the lock.
    PhoneKeyUnavailable,
    /// Something failed inside latchkey itself (the random generator, a
    /// background task, a client used after it was closed): a bug or a
    /// broken device, not something the person did.
    Internal,
    /// The lock has no owner: it is new, or it was factory reset and forgot
    /// its owner, keys, PINs and lists. An owner claims or re-commissions
    /// it with the setup code on its label.
    LockUnclaimed,
    /// The lock belongs to another account: its owner has to reset it
    /// before it can be claimed.
    LockClaimedElsewhere,
    /// The setup code did not match the lock (a typing error, or another
    /// lock's label).
    SetupCodeWrong,
    /// Setting the lock up could not finish: a step is missing (the phone
    /// needs a newer list of withdrawn keys, or the bolt's calibration
    /// failed). Nothing was installed.
    SetupIncomplete,
    /// The lock refused a firmware image (damaged, for another model, not
    /// signed by the maker, or not newer): the old firmware keeps running.
    FirmwareRejected,
    /// A firmware delivery stopped before the lock had all of it (the
    /// phone moved away, the app was closed): the lock keeps what it has
    /// and the next visit goes on from there.
    FirmwareUpdateInterrupted,
}

impl DiagnosisCode {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BluetoothOff => "bluetooth_off",
            Self::BluetoothPermission => "bluetooth_permission",
            Self::BluetoothBlocked => "bluetooth_blocked",
            Self::BluetoothStarting => "bluetooth_starting",
            Self::BluetoothUnavailable => "bluetooth_unavailable",
            Self::LockOutOfRange => "lock_out_of_range",
            Self::AndroidScanThrottled => "android_scan_throttled",
            Self::ConnectionFailed => "connection_failed",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::NoKey => "no_key",
            Self::UnknownLock => "unknown_lock",
            Self::KeyNotOfflineAllowed => "key_not_offline_allowed",
            Self::KeyExpired => "key_expired",
            Self::KeyNotYetValid => "key_not_yet_valid",
            Self::OutsideSchedule => "outside_schedule",
            Self::KeyRevoked => "key_revoked",
            Self::WrongLock => "wrong_lock",
            Self::KeyRejected => "key_rejected",
            Self::RoleNotAllowed => "role_not_allowed",
            Self::LockJammed => "lock_jammed",
            Self::BoltNotThrown => "bolt_not_thrown",
            Self::DoorAjar => "door_ajar",
            Self::BatteryCritical => "battery_critical",
            Self::ClockUntrusted => "clock_untrusted",
            Self::LockNotAuthentic => "lock_not_authentic",
            Self::ProtocolMismatch => "protocol_mismatch",
            Self::Storage => "storage",
            Self::LockRefused => "lock_refused",
            Self::CloudUnreachable => "cloud_unreachable",
            Self::CloudAuth => "cloud_auth",
            Self::CloudRejected => "cloud_rejected",
            Self::KeypadLockedOut => "keypad_locked_out",
            Self::LockBusy => "lock_busy",
            Self::PhoneKeyUnavailable => "phone_key_unavailable",
            Self::Internal => "internal",
            Self::LockUnclaimed => "lock_unclaimed",
            Self::LockClaimedElsewhere => "lock_claimed_elsewhere",
            Self::SetupCodeWrong => "setup_code_wrong",
            Self::SetupIncomplete => "setup_incomplete",
            Self::FirmwareRejected => "firmware_rejected",
            Self::FirmwareUpdateInterrupted => "firmware_update_interrupted",
        }
    }

    /// The diagnosis for a lock's result code (`None` for `ok`).
    pub fn from_result(code: ResultCode) -> Option<Self> {
        use ResultCode as R;
        Some(match code {
            R::Ok => return None,
            R::KeyExpired => Self::KeyExpired,
            R::KeyNotYetValid => Self::KeyNotYetValid,
            R::OutsideSchedule => Self::OutsideSchedule,
            R::KeyRevoked => Self::KeyRevoked,
            R::WrongLock => Self::WrongLock,
            R::UnknownIssuer | R::BadCertificate | R::BadHolderSignature => Self::KeyRejected,
            R::RoleNotAllowed => Self::RoleNotAllowed,
            R::Jammed => Self::LockJammed,
            R::BoltNotThrown => Self::BoltNotThrown,
            R::DoorAjar => Self::DoorAjar,
            R::BatteryCritical => Self::BatteryCritical,
            R::ClockUntrusted => Self::ClockUntrusted,
            R::KeypadLockedOut => Self::KeypadLockedOut,
            R::LockBusy => Self::LockBusy,
            R::LockUnclaimed => Self::LockUnclaimed,
            R::AlreadyClaimed => Self::LockClaimedElsewhere,
            R::SetupCodeWrong => Self::SetupCodeWrong,
            R::SetupIncomplete => Self::SetupIncomplete,
            R::FirmwareInvalid | R::FirmwareDowngrade => Self::FirmwareRejected,
            R::FirmwareOffset => Self::FirmwareUpdateInterrupted,
            _ => Self::LockRefused,
        })
    }
}

// By name; the derived decoding runs behind the name read as a string, so
// it is compiled once, not once per JSON reader (the library's size is
// budgeted).
impl serde::Serialize for DiagnosisCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for DiagnosisCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, IntoDeserializer};
        let name = String::deserialize(d)?;
        let named: serde::de::value::StrDeserializer<'_, serde::de::value::Error> = name.as_str().into_deserializer();
        DiagnosisCode::deserialize(named).map_err(D::Error::custom)
    }
}

impl std::fmt::Display for DiagnosisCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a caller of latchkey-core can get back instead of a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LatchkeyError {
    /// Bluetooth, permissions or the radio stopped the command before it
    /// reached the lock (nothing happened at the door).
    #[error("{detail}")]
    Bluetooth {
        /// Which problem.
        code: DiagnosisCode,
        /// What the platform said.
        detail: String,
    },
    /// The request reached the lock but no answer came back, even after
    /// reconnecting: the lock may have acted. Check the door.
    #[error("the lock may have acted, but no answer the phone could trust came back ({detail}); check the door")]
    OutcomeUnknown {
        /// The last failure.
        detail: String,
    },
    /// The command was refused, by the lock or by this phone's own check
    /// before any radio use.
    #[error("{reason}")]
    Refused {
        /// Which problem.
        code: DiagnosisCode,
        /// The lock's result code, when the lock refused.
        lock_result: Option<ResultCode>,
        /// A sentence for logs.
        reason: String,
    },
    /// The lock's answer could not be trusted or understood.
    #[error("{detail}")]
    Lock {
        /// Which problem.
        code: DiagnosisCode,
        /// What was wrong.
        detail: String,
    },
    /// The phone's storage failed (the credential store, the outbox, the
    /// data directory).
    #[error("storage: {0}")]
    Storage(String),
    /// The phone's platform key (holder signer, key store) couldn't be used.
    #[error("the phone's key couldn't be used: {detail}")]
    PhoneKey {
        /// What the platform said.
        detail: String,
    },
    /// Something failed inside latchkey itself (see
    /// [`DiagnosisCode::Internal`]).
    #[error("internal error: {detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

impl LatchkeyError {
    /// The diagnosis this error maps to.
    pub fn diagnosis(&self) -> DiagnosisCode {
        match self {
            Self::Bluetooth { code, .. } | Self::Refused { code, .. } | Self::Lock { code, .. } => *code,
            Self::OutcomeUnknown { .. } => DiagnosisCode::OutcomeUnknown,
            Self::Storage(_) => DiagnosisCode::Storage,
            Self::PhoneKey { .. } => DiagnosisCode::PhoneKeyUnavailable,
            Self::Internal { .. } => DiagnosisCode::Internal,
        }
    }

    /// A refusal by the phone itself, before any radio use.
    pub fn refused_locally(code: DiagnosisCode, reason: impl Into<String>) -> Self {
        Self::Refused {
            code,
            lock_result: None,
            reason: reason.into(),
        }
    }

    /// A refusal by the lock.
    pub fn refused_by_lock(result: ResultCode) -> Self {
        Self::Refused {
            code: DiagnosisCode::from_result(result).unwrap_or(DiagnosisCode::LockRefused),
            lock_result: Some(result),
            reason: format!("the lock refused: {result}"),
        }
    }
}

impl From<TransportError> for LatchkeyError {
    fn from(e: TransportError) -> Self {
        let code = match &e {
            TransportError::BluetoothOff => DiagnosisCode::BluetoothOff,
            TransportError::Blocked(_) => DiagnosisCode::BluetoothBlocked,
            TransportError::NotReady(_) => DiagnosisCode::BluetoothStarting,
            TransportError::PermissionDenied(_) => DiagnosisCode::BluetoothPermission,
            TransportError::Unavailable(_) => DiagnosisCode::BluetoothUnavailable,
            TransportError::NotFound(_) => DiagnosisCode::LockOutOfRange,
            TransportError::ScanThrottled(_) => DiagnosisCode::AndroidScanThrottled,
            _ => DiagnosisCode::ConnectionFailed,
        };
        Self::Bluetooth {
            code,
            detail: e.to_string(),
        }
    }
}

impl From<StoreError> for LatchkeyError {
    fn from(e: StoreError) -> Self {
        Self::Storage(e.to_string())
    }
}

impl From<crate::platform_keys::PlatformKeyError> for LatchkeyError {
    fn from(e: crate::platform_keys::PlatformKeyError) -> Self {
        use crate::platform_keys::PlatformKeyError as K;
        match e {
            K::Storage { reason } => Self::Storage(reason),
            other => Self::PhoneKey {
                detail: other.to_string(),
            },
        }
    }
}

impl From<crate::outbox::OutboxError> for LatchkeyError {
    fn from(e: crate::outbox::OutboxError) -> Self {
        Self::Storage(e.to_string())
    }
}

impl LatchkeyError {
    /// A failure of the phone's random generator or other cryptography of
    /// its own (never the lock's, never a key's).
    pub fn crypto(e: latchkey_protocol::ProtocolError) -> Self {
        Self::Internal {
            detail: format!("the phone's cryptography failed: {e}"),
        }
    }
}
