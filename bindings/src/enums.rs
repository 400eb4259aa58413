//! The core's stable enums, exported as they are (UniFFI "remote" types):
//! the declarations below must list exactly the core's variants, so a
//! variant added in the core fails this build until it is added here.

use latchkey_core::platform_keys::KeyProtection;
use latchkey_core::unlock::UnlockPath;
use latchkey_core::DiagnosisCode;
use latchkey_protocol::{BoltState, Command, DoorState, Role};

/// A stable name for what went wrong; the diagnostics engine explains each
/// one in plain language. Its snake_case name (`bluetooth_off`) is what
/// logs and the cloud use.
#[uniffi::remote(Enum)]
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
    /// Android ignored a scan: five already started in the last 30 s.
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
    /// unlatch).
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
    /// The lock refused to check a first contact for now (too many failed
    /// or junk requests nearby); nothing happened; try again shortly.
    LockBusy,
    /// The phone's platform key (holder signer, key store) couldn't be used.
    PhoneKeyUnavailable,
    /// Something failed inside latchkey itself.
    Internal,
    /// The lock has no owner (new, or factory reset): an owner sets it up
    /// with the setup code on its label.
    LockUnclaimed,
    /// The lock belongs to another account.
    LockClaimedElsewhere,
    /// The setup code does not match the lock.
    SetupCodeWrong,
    /// Setting the lock up could not finish; nothing was installed.
    SetupIncomplete,
    /// The lock refused a firmware image; its old firmware keeps running.
    FirmwareRejected,
    /// A firmware delivery stopped part-way; the lock keeps what it has.
    FirmwareUpdateInterrupted,
}

/// Where the bolt is.
#[uniffi::remote(Enum)]
pub enum BoltState {
    /// Not known (just booted, or between positions).
    Unknown,
    /// Thrown fully: the door is locked.
    Locked,
    /// Retracted: the door is unlocked.
    Unlocked,
    /// The motor stalled; the bolt is stuck.
    Jammed,
    /// The bolt went out only part-way (strike plate misaligned).
    PartiallyThrown,
}

/// What the door sensor says.
#[uniffi::remote(Enum)]
pub enum DoorState {
    /// No door sensor, or not calibrated.
    Unknown,
    /// Closed.
    Closed,
    /// Open.
    Open,
}

/// What a command asks the lock to do.
#[uniffi::remote(Enum)]
pub enum Command {
    /// Retract the bolt.
    Unlock,
    /// Throw the bolt.
    Lock,
    /// Retract the bolt and pull the latch (door opens on push).
    Unlatch,
    /// Authenticate and report status only; opens a session for follow-on
    /// commands (events, revocations, time).
    Status,
}

/// What the holder of a key is to the property.
#[uniffi::remote(Enum)]
pub enum Role {
    /// Owns the lock; may do everything.
    Owner,
    /// Manages the lock for the owner.
    Admin,
    /// Lives there.
    Resident,
    /// A time-limited visitor.
    Guest,
    /// A service technician.
    Service,
}

/// Where a platform secret lives, from weakest to strongest. The app's
/// `KeyStore` and `Signer` say which; `client.keyCustody()` reports both.
#[uniffi::remote(Enum)]
pub enum KeyProtection {
    /// latchkey's software fallback (a key file beside the store, a key
    /// sealed in it): desktops and tests only.
    Software,
    /// The platform's key store without hardware isolation (the Keychain
    /// on the iOS simulator, a software-only Android Keystore).
    Platform,
    /// Android Keystore in the trusted execution environment.
    TrustedEnvironment,
    /// Android StrongBox.
    StrongBox,
    /// The iOS Secure Enclave.
    SecureEnclave,
}

/// Which exchange carried a command.
#[uniffi::remote(Enum)]
pub enum UnlockPath {
    /// Fast repeat unlock (HMAC only).
    Fast,
    /// Standard first-contact unlock (signatures, key agreement).
    Auth,
    /// Fast was tried, the lock had lost the fast key (e.g. after a reset),
    /// and a standard AUTH followed in the same connection.
    FastThenAuth,
}
