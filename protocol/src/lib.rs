//! # latchkey-protocol
//!
//! The wire format and cryptography shared by the phone (latchkey-core) and
//! the lock (latchkey-sim's firmware model, or real firmware). It must never
//! depend on I/O, async runtimes, clocks or storage: every function takes
//! the time and state it needs as arguments, so the same code runs on a
//! phone, in a lock and in tests. `docs/protocol.md` describes the byte
//! layouts and what each field defends against.
//!
//! The flow, in order:
//!
//! 1. An issuer signs a [`DigitalKey`] for a phone's P-256 key
//!    ([`DigitalKey::issue`]); the lock holds the issuer's public key.
//! 2. The lock advertises an [`Advertisement`] with a rotating [`Challenge`].
//! 3. First contact: the phone sends [`AuthRequest`], the lock answers with
//!    a signed [`AuthResult`]; both derive session keys and a [`FastKey`]
//!    ([`derive_auth_keys`]). One round trip.
//! 4. Later: [`FastRequest`] / [`FastResult`], HMAC only. One round trip,
//!    no asymmetric operation on the lock.
//! 5. In the same connection, [`SessionCipher`] seals [`SessionRequest`]s:
//!    status, [`EventBatch`] fetches, [`RevocationList`] pushes,
//!    [`TimeToken`] delivery, outcomes by [`CommandId`], keypad
//!    [`PinList`] pushes.
//! 6. Every frame crosses the radio through [`framing`].
//! 7. At the door with no phone at all: keypad PINs ([`pin`]), managed by
//!    the issuer's [`PinList`] or derived offline by a host
//!    ([`offline_pin`]) from the [`PinSecret`] shared at commissioning.
//! 8. The lock's life: an unclaimed lock is claimed with the [`SetupCode`]
//!    on its label ([`ClaimHello`], [`ClaimOffer`], [`ClaimKeys`]) and set
//!    up in a sealed session ([`SetupRequest`], ending in a signed
//!    [`ClaimReceipt`]); vendor-signed firmware ([`FirmwareManifest`])
//!    travels in ordinary sessions, chunk by chunk.

mod advert;
mod auth;
mod cert;
mod claim;
mod codec;
pub mod crypto;
mod error;
mod events;
mod fast;
mod firmware;
mod frame;
pub mod framing;
pub mod hex;
mod ids;
pub mod order;
pub mod pin;
mod random;
mod result_code;
mod revocation;
mod schedule;
mod session;
mod session_ops;
mod setup;
mod status;
mod time_token;

pub use advert::{Advertisement, COMPANY_ID, INFO_CHAR_UUID, RX_CHAR_UUID, SERVICE_UUID, TX_CHAR_UUID};
pub use auth::{derive_auth_keys, phone_agree, AuthRequest, AuthResult, CertRef, FastKey, LockContext, SessionSecrets};
pub use cert::{DigitalKey, KeyGrant, Role};
pub use claim::{ClaimHello, ClaimKeys, ClaimOffer, SetupCode, SetupSecret};
pub use crypto::{EphemeralKey, PublicKey, SigDomain, Signature, SigningKey};
pub use error::{ProtocolError, Result};
pub use events::{chain_next, chain_start, EventBatch, EventGap, EventKind, LockEvent};
pub use fast::{FastOutcome, FastRequest, FastResult};
pub use firmware::{
    DownloadState, FirmwareLosses, FirmwareManifest, FirmwareVersion, LockInfo, FIRMWARE_CHUNK_MAX, FIRMWARE_MAX_BYTES,
};
pub use frame::{ChallengeInfo, Frame};
pub use ids::{CertHash, Challenge, CommandId, IssuerId, KeyId, LockId};
pub use pin::{
    offline_pin, plan_offline_pin, OfflinePin, OfflinePinKind, PinClass, PinDigits, PinList, PinRule, PinSecret,
    PinSlot, PinUse,
};
pub use result_code::ResultCode;
pub use revocation::RevocationList;
pub use schedule::Schedule;
pub use session::{SessionCipher, SESSION_LIFETIME_MS};
pub use session_ops::{SessionRequest, SessionResponse};
pub use setup::{ClaimReceipt, Configure, SetupRequest, SetupResponse};
pub use status::{BoltState, Command, CompactStatus, DoorState, Faults, LockStatus};
pub use time_token::{ChallengeAge, TimeDecision, TimeToken};
