//! The stable table of result codes a lock sends back. Values never change
//! meaning; new codes are only ever added.

/// Outcome of a command, as the lock reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ResultCode {
    /// The command was carried out.
    Ok = 0x00,
    /// The request could not be decoded.
    BadRequest = 0x01,
    /// The certificate names an issuer this lock was not commissioned with.
    UnknownIssuer = 0x02,
    /// The certificate's issuer signature does not verify (forged or damaged).
    BadCertificate = 0x03,
    /// The key is for another lock (or a group this lock is not in).
    WrongLock = 0x04,
    /// The key's validity ended (by the lock's clock).
    KeyExpired = 0x05,
    /// The key's validity has not started yet (by the lock's clock).
    KeyNotYetValid = 0x06,
    /// The key is valid but not at this day/time of its weekly schedule.
    OutsideSchedule = 0x07,
    /// The key is on the lock's revocation list.
    KeyRevoked = 0x08,
    /// The holder's signature does not verify.
    BadHolderSignature = 0x09,
    /// The challenge is not one the lock issued recently (replay or stale
    /// advertisement): read a fresh challenge and retry.
    StaleChallenge = 0x0a,
    /// The fast-unlock counter is not above the last one seen (replay).
    CounterReplay = 0x0b,
    /// The lock holds no fast key for this key id (e.g. after a reset):
    /// fall back to a standard AUTH.
    UnknownFastKey = 0x0c,
    /// The fast-unlock MAC does not verify.
    BadMac = 0x0d,
    /// A revocation list older than (or equal to) the lock's was offered.
    RevocationListOutdated = 0x0e,
    /// The revocation list's signature or target is wrong.
    RevocationListInvalid = 0x0f,
    /// The time token is for another lock, expired, older than the last one
    /// accepted, or badly signed.
    TimeTokenRejected = 0x10,
    /// The motor stalled: the bolt is jammed or binding.
    Jammed = 0x11,
    /// The bolt could not be thrown fully (misaligned strike plate).
    BoltNotThrown = 0x12,
    /// The door is open, so the lock refuses to throw the bolt.
    DoorAjar = 0x13,
    /// The battery is too weak to drive the motor.
    BatteryCritical = 0x14,
    /// This key's role may not perform this command.
    RoleNotAllowed = 0x15,
    /// The lock's clock is not trusted (after power loss) and the key is
    /// time-limited: deliver a trusted-time token first.
    ClockUntrusted = 0x16,
    /// The command byte is unknown to this lock.
    UnknownCommand = 0x17,
    /// No stored outcome for this command id (it never reached the lock).
    OutcomeUnknown = 0x18,
    /// A session command arrived without an authenticated session.
    NoSession = 0x19,
    /// A frame grew past the lock's reassembly limit (1 KiB).
    FrameTooLarge = 0x1a,
    /// A frame's packets stopped arriving (timeout) or came out of order.
    FrameIncomplete = 0x1b,
    /// AUTH named its certificate by hash, but the lock does not hold that
    /// certificate (cache evicted, or reset): resend with the full
    /// certificate.
    CertificateNotCached = 0x1c,
    /// A PIN list older than (or equal to) the lock's was offered.
    PinListOutdated = 0x1d,
    /// The PIN list's signature or target is wrong.
    PinListInvalid = 0x1e,
    /// A keypad entry matched no PIN that works now (logged only).
    PinNotRecognized = 0x1f,
    /// A one-time PIN was typed again after its first use (logged only).
    PinAlreadyUsed = 0x20,
    /// The keypad is locked out after repeated wrong entries.
    KeypadLockedOut = 0x21,
    /// The lock spent its budget for work on requests that have not proved
    /// a key (a burst of failed or junk requests): it took this one
    /// unchecked. Sent in an ERROR frame; retry in a few seconds.
    LockBusy = 0x22,
    /// The lock has no owner (new, or factory reset): claim it or
    /// re-commission it. Sent in an ERROR frame.
    LockUnclaimed = 0x23,
    /// A claim reached a lock that already has an owner.
    AlreadyClaimed = 0x24,
    /// The claim's proof of the setup secret did not verify.
    SetupCodeWrong = 0x25,
    /// A setup step came too early (finish before configure or calibration,
    /// a list before configure).
    SetupIncomplete = 0x26,
    /// A firmware manifest's signature or model is wrong, or the image
    /// does not match its hash: nothing was installed.
    FirmwareInvalid = 0x27,
    /// The firmware offered is not newer than the running one.
    FirmwareDowngrade = 0x28,
    /// A firmware chunk's offset is not where the lock's download stands.
    FirmwareOffset = 0x29,
}

impl ResultCode {
    /// All codes, in table order.
    pub const ALL: [ResultCode; 42] = [
        Self::Ok,
        Self::BadRequest,
        Self::UnknownIssuer,
        Self::BadCertificate,
        Self::WrongLock,
        Self::KeyExpired,
        Self::KeyNotYetValid,
        Self::OutsideSchedule,
        Self::KeyRevoked,
        Self::BadHolderSignature,
        Self::StaleChallenge,
        Self::CounterReplay,
        Self::UnknownFastKey,
        Self::BadMac,
        Self::RevocationListOutdated,
        Self::RevocationListInvalid,
        Self::TimeTokenRejected,
        Self::Jammed,
        Self::BoltNotThrown,
        Self::DoorAjar,
        Self::BatteryCritical,
        Self::RoleNotAllowed,
        Self::ClockUntrusted,
        Self::UnknownCommand,
        Self::OutcomeUnknown,
        Self::NoSession,
        Self::FrameTooLarge,
        Self::FrameIncomplete,
        Self::CertificateNotCached,
        Self::PinListOutdated,
        Self::PinListInvalid,
        Self::PinNotRecognized,
        Self::PinAlreadyUsed,
        Self::KeypadLockedOut,
        Self::LockBusy,
        Self::LockUnclaimed,
        Self::AlreadyClaimed,
        Self::SetupCodeWrong,
        Self::SetupIncomplete,
        Self::FirmwareInvalid,
        Self::FirmwareDowngrade,
        Self::FirmwareOffset,
    ];

    /// Decodes a code byte; `None` for a value this build does not know.
    pub fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.get(usize::from(v)).copied()
    }

    /// Whether the command was carried out.
    pub fn is_ok(self) -> bool {
        self == Self::Ok
    }

    /// Whether a lock's answer with this code carries its real status
    /// (bolt, door, battery, event head) rather than the redacted one every
    /// refusal gets: the holder was authorized and the hardware answered
    /// (ok, or a mechanical or battery refusal).
    pub fn carries_full_status(self) -> bool {
        matches!(
            self,
            Self::Ok | Self::Jammed | Self::BoltNotThrown | Self::DoorAjar | Self::BatteryCritical
        )
    }

    /// Whether a lock that answered an authentic FAST with this code left a
    /// session open: the holder was authorized and the hardware answered,
    /// or only the clock was untrusted (a session limited to delivering a
    /// time token). Credential refusals never leave a session.
    pub fn leaves_session_open(self) -> bool {
        self.carries_full_status() || self == Self::ClockUntrusted
    }

    /// A stable snake_case name, used in logs, JSON and the docs' table.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::BadRequest => "bad_request",
            Self::UnknownIssuer => "unknown_issuer",
            Self::BadCertificate => "bad_certificate",
            Self::WrongLock => "wrong_lock",
            Self::KeyExpired => "key_expired",
            Self::KeyNotYetValid => "key_not_yet_valid",
            Self::OutsideSchedule => "outside_schedule",
            Self::KeyRevoked => "key_revoked",
            Self::BadHolderSignature => "bad_holder_signature",
            Self::StaleChallenge => "stale_challenge",
            Self::CounterReplay => "counter_replay",
            Self::UnknownFastKey => "unknown_fast_key",
            Self::BadMac => "bad_mac",
            Self::RevocationListOutdated => "revocation_list_outdated",
            Self::RevocationListInvalid => "revocation_list_invalid",
            Self::TimeTokenRejected => "time_token_rejected",
            Self::Jammed => "jammed",
            Self::BoltNotThrown => "bolt_not_thrown",
            Self::DoorAjar => "door_ajar",
            Self::BatteryCritical => "battery_critical",
            Self::RoleNotAllowed => "role_not_allowed",
            Self::ClockUntrusted => "clock_untrusted",
            Self::UnknownCommand => "unknown_command",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::NoSession => "no_session",
            Self::FrameTooLarge => "frame_too_large",
            Self::FrameIncomplete => "frame_incomplete",
            Self::CertificateNotCached => "certificate_not_cached",
            Self::PinListOutdated => "pin_list_outdated",
            Self::PinListInvalid => "pin_list_invalid",
            Self::PinNotRecognized => "pin_not_recognized",
            Self::PinAlreadyUsed => "pin_already_used",
            Self::KeypadLockedOut => "keypad_locked_out",
            Self::LockBusy => "lock_busy",
            Self::LockUnclaimed => "lock_unclaimed",
            Self::AlreadyClaimed => "already_claimed",
            Self::SetupCodeWrong => "setup_code_wrong",
            Self::SetupIncomplete => "setup_incomplete",
            Self::FirmwareInvalid => "firmware_invalid",
            Self::FirmwareDowngrade => "firmware_downgrade",
            Self::FirmwareOffset => "firmware_offset",
        }
    }
}

impl std::fmt::Display for ResultCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
