//! Fixtures shared by the protocol test files: one issuer, one lock, one
//! phone, and sample messages. Keys are generated once per test binary
//! because P-256 key generation and signing are slow in debug builds.

#![allow(unreachable_pub)] // shared by several test binaries, each using a part
#![allow(dead_code)]

pub mod mutation;

use latchkey_protocol::{
    AuthRequest, AuthResult, BoltState, CertRef, Challenge, ClaimHello, ClaimOffer, ClaimReceipt, Command, CommandId,
    Configure, DigitalKey, DoorState, DownloadState, EphemeralKey, EventBatch, EventKind, Faults, FirmwareManifest,
    FirmwareVersion, IssuerId, KeyGrant, KeyId, LockContext, LockEvent, LockId, LockInfo, LockStatus, PinClass,
    PinList, PinSecret, PinSlot, ResultCode, RevocationList, Role, Schedule, Signature, SigningKey, TimeToken,
};
use std::sync::OnceLock;

/// A named change to a message, for "every field is covered" tests.
pub type Change<T> = (&'static str, fn(&mut T));

/// 2024-01-01 00:00:00 UTC, a Monday (19 723 days after 1970-01-01, a
/// Thursday: (19 723 + 3) mod 7 = 0 = Monday).
pub const MON_2024_01_01: u32 = 1_704_067_200;
/// Seconds in a day and an hour.
pub const DAY: u32 = 86_400;
pub const HOUR: u32 = 3_600;

/// The parties of a small deployment.
pub struct Parties {
    /// The property's key authority.
    pub issuer: SigningKey,
    /// An issuer the lock was never commissioned with.
    pub stranger: SigningKey,
    /// The lock's identity key.
    pub lock_key: SigningKey,
    /// The phone's holder key.
    pub holder: SigningKey,
    /// The lock.
    pub lock_id: LockId,
    /// Another lock of the same property.
    pub other_lock_id: LockId,
    /// A group the lock belongs to.
    pub group_id: LockId,
    /// The lock maker's firmware key.
    pub vendor: SigningKey,
}

/// The same parties for every test in a binary.
pub fn parties() -> &'static Parties {
    static PARTIES: OnceLock<Parties> = OnceLock::new();
    PARTIES.get_or_init(|| Parties {
        issuer: SigningKey::generate().unwrap(),
        stranger: SigningKey::generate().unwrap(),
        lock_key: SigningKey::generate().unwrap(),
        holder: SigningKey::generate().unwrap(),
        lock_id: LockId([0x11; 16]),
        other_lock_id: LockId([0x22; 16]),
        group_id: LockId([0x33; 16]),
        vendor: SigningKey::generate().unwrap(),
    })
}

/// A resident key for the fixture lock, valid for all of January 2024.
pub fn grant() -> KeyGrant {
    let p = parties();
    KeyGrant {
        key_id: KeyId([0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8]),
        lock_id: p.lock_id,
        lock_group: false,
        holder: p.holder.public_key(),
        role: Role::Resident,
        not_before: MON_2024_01_01,
        not_after: MON_2024_01_01 + 31 * DAY,
        schedule: None,
        offline_allowed: true,
        serial: 7,
    }
}

/// A guest key for Mon–Fri 08:00–18:00.
pub fn scheduled_grant() -> KeyGrant {
    KeyGrant {
        role: Role::Guest,
        schedule: Some(Schedule::new(Schedule::WORKDAYS, 8 * 60, 18 * 60).unwrap()),
        offline_allowed: false,
        ..grant()
    }
}

/// The fixture resident certificate, signed once.
pub fn cert() -> &'static DigitalKey {
    static CERT: OnceLock<DigitalKey> = OnceLock::new();
    CERT.get_or_init(|| DigitalKey::issue(grant(), &parties().issuer).unwrap())
}

/// The fixture guest certificate (with a schedule), signed once.
pub fn scheduled_cert() -> &'static DigitalKey {
    static CERT: OnceLock<DigitalKey> = OnceLock::new();
    CERT.get_or_init(|| DigitalKey::issue(scheduled_grant(), &parties().issuer).unwrap())
}

/// What the phone read from the advertisement.
pub fn ctx() -> LockContext {
    LockContext {
        lock_id: parties().lock_id,
        epoch: 3,
        challenge: Challenge([0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7]),
    }
}

/// A lock status with every field distinct from its neighbours.
pub fn status() -> LockStatus {
    LockStatus {
        bolt: BoltState::Unlocked,
        door: DoorState::Closed,
        battery_mv: 5_870,
        battery_percent: 83,
        faults: Faults(Faults::DOOR_AJAR | Faults::BATTERY_LOW),
        lock_time: MON_2024_01_01 + 12 * HOUR,
        revocation_seq: 41,
        event_head: 1_234,
        epoch: 3,
    }
}

/// A signed AUTH request for the fixture certificate (full form), with the
/// phone's ephemeral key.
pub fn auth_request(cert: CertRef, command: Command, command_id: CommandId) -> (AuthRequest, EphemeralKey) {
    let ephemeral = EphemeralKey::generate().unwrap();
    let request = AuthRequest::build(&ctx(), cert, ephemeral.public_key(), command, command_id, |m| {
        parties().holder.sign_message(m)
    })
    .unwrap();
    (request, ephemeral)
}

/// A signed AUTH request and the lock's signed answer, made once.
pub struct SignedAuth {
    pub request: AuthRequest,
    pub request_bytes: Vec<u8>,
    pub result: AuthResult,
    pub result_bytes: Vec<u8>,
}

pub fn signed_auth() -> &'static SignedAuth {
    static AUTH: OnceLock<SignedAuth> = OnceLock::new();
    AUTH.get_or_init(|| {
        let (request, _) = auth_request(CertRef::Full(cert().clone()), Command::Unlock, CommandId([9; 8]));
        let request_bytes = request.encode();
        let lock_ephemeral = EphemeralKey::generate().unwrap().public_key();
        let result = AuthResult::unsigned(
            latchkey_protocol::ResultCode::Ok,
            false,
            Challenge([0xd0; 8]),
            status(),
            Some(lock_ephemeral),
        )
        .sign(&parties().lock_key, &parties().lock_id, &request_bytes)
        .unwrap();
        let result_bytes = result.encode();
        SignedAuth {
            request,
            request_bytes,
            result,
            result_bytes,
        }
    })
}

/// A revocation list with `n` entries for the fixture lock.
pub fn revocation_list(n: usize) -> RevocationList {
    let revoked = (0..n).map(|i| KeyId((i as u64 + 1).to_be_bytes())).collect();
    RevocationList::issue(&parties().issuer, parties().lock_id, false, 42, MON_2024_01_01, revoked).unwrap()
}

/// The fixture revocation list (3 entries), signed once.
pub fn signed_revocations() -> &'static RevocationList {
    static LIST: OnceLock<RevocationList> = OnceLock::new();
    LIST.get_or_init(|| revocation_list(3))
}

/// The fixture lock's PIN secret.
pub fn pin_secret() -> PinSecret {
    PinSecret([0x5e; 32])
}

/// A PIN slot with a fixed salt (`slot` repeated) for `digits`: a guest
/// slot for January 2024, scheduled on workdays when `scheduled`.
pub fn pin_slot(slot: u8, digits: &str, scheduled: bool) -> PinSlot {
    let salt = [slot; 16];
    PinSlot {
        slot,
        class: PinClass::Guest,
        one_time: slot % 2 == 1,
        salt,
        hash: latchkey_protocol::pin::pin_hash(&pin_secret(), &salt, digits),
        not_before: MON_2024_01_01,
        not_after: MON_2024_01_01 + 31 * DAY,
        schedule: scheduled.then(|| Schedule::new(Schedule::WORKDAYS, 8 * 60, 18 * 60).unwrap()),
    }
}

/// A PIN list for the fixture lock (seq 7): `n` scheduled guest slots
/// when `scheduled` (the largest encoding), else a master slot 0 and
/// `n - 1` guest slots, every third scheduled.
pub fn pin_list(n: usize, scheduled: bool) -> PinList {
    let mut slots = Vec::new();
    if scheduled {
        let slots = (0..n)
            .map(|i| pin_slot(i as u8, &format!("{:06}", 100_000 + i), true))
            .collect();
        return PinList::issue(&parties().issuer, parties().lock_id, 7, MON_2024_01_01, 0, slots).unwrap();
    }
    if n > 0 {
        let salt = [0xee; 16];
        slots.push(PinSlot {
            slot: 0,
            class: PinClass::Master,
            one_time: false,
            salt,
            hash: latchkey_protocol::pin::pin_hash(&pin_secret(), &salt, "90817263"),
            not_before: 0,
            not_after: u32::MAX,
            schedule: None,
        });
    }
    for i in 1..n {
        slots.push(pin_slot(i as u8, &format!("{:06}", 100_000 + i), i % 3 == 0));
    }
    PinList::issue(&parties().issuer, parties().lock_id, 7, MON_2024_01_01, 0, slots).unwrap()
}

/// The fixture PIN list (4 slots), signed once.
pub fn signed_pins() -> &'static PinList {
    static LIST: OnceLock<PinList> = OnceLock::new();
    LIST.get_or_init(|| pin_list(4, false))
}

/// The fixture time token (unbound), signed once.
pub fn signed_time_token() -> &'static TimeToken {
    static TOKEN: OnceLock<TimeToken> = OnceLock::new();
    TOKEN.get_or_init(|| {
        TimeToken::issue(
            &parties().issuer,
            parties().lock_id,
            MON_2024_01_01 + 10 * HOUR,
            300,
            60,
            Challenge::default(),
        )
        .unwrap()
    })
}

/// Event number `seq` of a plausible log.
pub fn event(seq: u32) -> LockEvent {
    let kinds = [
        EventKind::Unlocked,
        EventKind::Locked,
        EventKind::AccessDenied,
        EventKind::DoorOpened,
        EventKind::DoorClosed,
    ];
    LockEvent {
        seq,
        time: MON_2024_01_01 + seq * 60,
        kind: kinds[seq as usize % kinds.len()],
        key_id: KeyId([seq as u8; 8]),
        result: if seq % 5 == 2 { 0x05 } else { 0x00 },
        detail: seq as u16 ^ 0x5a5a,
    }
}

/// The lock's whole log `1..=head`, as the lock would chain it.
pub fn log(head: u32) -> Vec<LockEvent> {
    (1..=head).map(event).collect()
}

/// The chain value after events `1..=seq` of [`log`] for the fixture lock.
pub fn chain_through(seq: u32) -> [u8; 32] {
    let p = parties();
    (1..=seq).fold(latchkey_protocol::chain_start(&p.lock_id, 3), |h, s| {
        latchkey_protocol::chain_next(&h, &event(s))
    })
}

/// A lock-signed batch of events `first..=last` of [`log`], from a lock
/// whose ring still holds `oldest_held..=head`.
pub fn batch(first: u32, last: u32, oldest_held: u32, head: u32) -> EventBatch {
    let p = parties();
    EventBatch::sign(
        &p.lock_key,
        p.lock_id,
        3,
        oldest_held,
        head,
        chain_through(first - 1),
        (first..=last).map(event).collect(),
    )
    .unwrap()
}

/// The fixture event batch (events 5..=9 of 12), signed once.
pub fn signed_batch() -> &'static EventBatch {
    static BATCH: OnceLock<EventBatch> = OnceLock::new();
    BATCH.get_or_init(|| batch(5, 9, 1, 12))
}

/// The reference image bytes of the firmware fixtures.
pub fn firmware_image() -> Vec<u8> {
    (0..5_000u32).map(|i| (i * 7 + 3) as u8).collect()
}

/// A vendor-signed manifest for [`firmware_image`], version 1.2.3.
pub fn manifest() -> &'static FirmwareManifest {
    static MANIFEST: OnceLock<FirmwareManifest> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        FirmwareManifest::sign(
            &parties().vendor,
            7,
            FirmwareVersion::new(1, 2, 3),
            &firmware_image(),
            MON_2024_01_01,
        )
        .unwrap()
    })
}

/// A CLAIM_HELLO naming the fixture issuer.
pub fn claim_hello() -> ClaimHello {
    ClaimHello {
        issuer_id: parties().issuer.public_key().issuer_id(),
        ephemeral: parties().holder.public_key(),
    }
}

/// A CLAIM_OFFER: with a lock key (an unclaimed lock) or without.
pub fn claim_offer(unclaimed: bool) -> ClaimOffer {
    ClaimOffer {
        code: if unclaimed {
            ResultCode::Ok
        } else {
            ResultCode::AlreadyClaimed
        },
        same_issuer: !unclaimed,
        calibrated: true,
        lock_id: parties().lock_id,
        epoch: 3,
        firmware: FirmwareVersion::new(1, 0, 0).0,
        model: 7,
        revocation_floor: 41,
        identity_key: parties().lock_key.public_key(),
        ephemeral: unclaimed.then(|| parties().stranger.public_key()),
    }
}

/// A receipt signed by the fixture lock.
pub fn receipt() -> &'static ClaimReceipt {
    static RECEIPT: OnceLock<ClaimReceipt> = OnceLock::new();
    RECEIPT.get_or_init(|| {
        ClaimReceipt {
            lock_id: parties().lock_id,
            epoch: 3,
            issuer_id: IssuerId([1, 2, 3, 4]),
            firmware: FirmwareVersion::new(1, 0, 0),
            revocation_seq: 41,
            pin_seq: 4,
            claimed_at: MON_2024_01_01,
            signature: Signature([0; 64]),
        }
        .sign(&parties().lock_key)
        .unwrap()
    })
}

/// Lock info with a download in progress.
pub fn lock_info() -> LockInfo {
    LockInfo {
        firmware: FirmwareVersion::new(1, 0, 0),
        model: 7,
        calibrated: true,
        needs_lists: false,
        pin_seq: 4,
        certificates_cached: 3,
        fast_keys: 2,
        download: Some(DownloadState {
            version: FirmwareVersion::new(1, 2, 3),
            offset: 1792,
            size: 5000,
        }),
        name: "Front door".into(),
    }
}

/// The largest configure: a PIN secret, four groups, a 32-byte name.
pub fn configure() -> Configure {
    Configure {
        issuer: parties().issuer.public_key(),
        pin_secret: Some(pin_secret()),
        utc_offset_min: -300,
        phone_time: MON_2024_01_01,
        groups: vec![LockId([1; 16]), LockId([2; 16]), LockId([3; 16]), LockId([4; 16])],
        name: "Back door by the garden, level 2".into(),
    }
}
