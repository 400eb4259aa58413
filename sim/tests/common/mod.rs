//! A test-only phone: holds a P-256 holder key and a digital key, builds
//! AUTH/FAST with latchkey-protocol, fragments every frame at MTU 23 into
//! `on_packet`, verifies the lock's signatures and MACs, and runs sessions.

#![allow(unreachable_pub)] // shared by several test binaries, each using a part
#![allow(dead_code)] // each test binary uses a different part of the helper

use latchkey_protocol::framing::fragment;
use latchkey_protocol::{
    derive_auth_keys, phone_agree, AuthRequest, AuthResult, CertRef, Challenge, ClaimHello, ClaimKeys, ClaimOffer,
    Command, CommandId, Configure, DigitalKey, EphemeralKey, FastKey, FastRequest, FastResult, Frame, IssuerId,
    KeyGrant, KeyId, LockContext, LockId, PublicKey, ResultCode, Role, SessionCipher, SessionRequest, SessionResponse,
    SetupRequest, SetupResponse, SetupSecret, SigningKey,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::{LockConfig, SimLock};
use latchkey_sim::vendor::FirmwareVendor;
use latchkey_sim::{Peripheral, VirtualClock};

/// Monday 2025-06-16 10:00:00 UTC: true time when every test starts.
pub const START: u32 = 1_750_068_000;
/// The smallest BLE MTU, so every multi-packet path is exercised.
pub const MTU: u16 = 23;

/// An authority, a shared virtual clock and a commissioned, connected lock.
pub struct World {
    pub authority: KeyAuthority,
    pub clock: VirtualClock,
    pub lock: SimLock,
}

impl World {
    pub fn new() -> Self {
        Self::with_config(LockConfig::default())
    }

    pub fn with_config(config: LockConfig) -> Self {
        Self::for_authority(KeyAuthority::generate().expect("authority key"), config)
    }

    fn for_authority(authority: KeyAuthority, config: LockConfig) -> Self {
        let clock = VirtualClock::starting_at(START);
        let lock_id = LockId::random().expect("lock id");
        let mut lock = SimLock::commission(authority.public_key(), lock_id, clock.clone(), config).expect("commission");
        lock.on_connect(MTU);
        Self { authority, clock, lock }
    }

    /// An unclaimed lock, as it leaves the factory, taking firmware signed
    /// by `vendor`.
    pub fn factory_new(vendor: Option<&FirmwareVendor>) -> Self {
        let authority = KeyAuthority::generate().expect("authority key");
        let clock = VirtualClock::starting_at(START);
        let config = LockConfig {
            vendor_key: vendor.map(|v| v.public_key()),
            ..LockConfig::default()
        };
        let identity = SigningKey::generate().expect("identity");
        let secret = SetupSecret(latchkey_protocol::crypto::random_array().expect("secret"));
        let lock_id = LockId::random().expect("lock id");
        let mut lock = SimLock::factory_new(identity, lock_id, secret, clock.clone(), config).expect("lock");
        lock.on_connect(MTU);
        Self { authority, clock, lock }
    }

    /// A claimed lock that takes firmware signed by `vendor`, with the
    /// PIN secret its authority derives for it.
    pub fn with_vendor(vendor: &FirmwareVendor) -> Self {
        let authority = KeyAuthority::generate().expect("authority key");
        let mut w = Self::for_authority(authority, LockConfig::default());
        let lock_id = w.lock_id();
        let config = LockConfig {
            vendor_key: Some(vendor.public_key()),
            pin_secret: Some(w.authority.pin_secret(&lock_id).expect("secret")),
            ..LockConfig::default()
        };
        w.lock = SimLock::commission(w.authority.public_key(), lock_id, w.clock.clone(), config).expect("lock");
        w.lock.on_connect(MTU);
        w
    }

    /// A lock whose budget for unproven work never runs out: for tests
    /// that send hundreds of forged requests in a row to check what each
    /// is answered (the budget itself is tested in `lock_attacks.rs`).
    pub fn with_endless_budget() -> Self {
        Self::with_config(LockConfig {
            unauth_ops_burst: u32::MAX,
            unauth_ops_per_connection: u32::MAX,
            ..LockConfig::default()
        })
    }

    pub fn lock_id(&self) -> LockId {
        self.lock.lock_id()
    }

    /// An owner key with no end date.
    pub fn owner(&self) -> Phone {
        self.phone_with(|_| {})
    }

    /// A phone whose grant `edit` adjusts (starts as an unlimited owner
    /// key for this lock).
    pub fn phone_with(&self, edit: impl FnOnce(&mut KeyGrant)) -> Phone {
        let holder = SigningKey::generate().expect("holder key");
        let mut grant = KeyGrant {
            key_id: KeyId::random().expect("key id"),
            lock_id: self.lock_id(),
            lock_group: false,
            holder: holder.public_key(),
            role: Role::Owner,
            not_before: START - 86_400,
            not_after: u32::MAX,
            schedule: None,
            offline_allowed: true,
            serial: 1,
        };
        edit(&mut grant);
        let cert = self.authority.issue_key(grant).expect("issue key");
        Phone::new(holder, cert, &self.lock)
    }

    /// Claims the (reset) lock again for the world's authority, over the
    /// radio, with the label's setup code: configure, then finish.
    pub fn recommission(&mut self) {
        let issuer = self.authority.public_key();
        let label = self.lock.label();
        let mut claim = Claimant::start(&mut self.lock, issuer.issuer_id(), &label.secret).expect("an offer");
        let configured = claim.setup(&mut self.lock, SetupRequest::Configure(configure_for(issuer, START)));
        assert_eq!(configured.code(), ResultCode::Ok);
        let finished = claim.setup(&mut self.lock, SetupRequest::Finish);
        assert_eq!(finished.code(), ResultCode::Ok, "{finished:?}");
    }

    /// A guest key valid from an hour ago until `not_after`.
    pub fn guest_until(&self, not_after: u32) -> Phone {
        self.phone_with(|g| {
            g.role = Role::Guest;
            g.not_before = START - 3600;
            g.not_after = not_after;
        })
    }
}

/// Feeds `frame` to the lock as MTU-23 packets; returns the one response,
/// which must come with the last packet.
pub fn exchange_raw(lock: &mut SimLock, frame: &[u8]) -> Vec<u8> {
    let packets = fragment(frame, MTU).expect("frame within limit");
    let last = packets.len() - 1;
    let mut response = None;
    for (i, p) in packets.iter().enumerate() {
        let out = lock.on_packet(p);
        if i < last {
            assert!(out.is_none(), "lock answered before the frame was complete");
        } else {
            response = out;
        }
    }
    response.expect("lock answers a complete frame")
}

/// Like [`exchange_raw`], decoded.
pub fn exchange(lock: &mut SimLock, frame: &[u8]) -> Frame {
    Frame::decode(&exchange_raw(lock, frame)).expect("lock's answer decodes")
}

/// The lock context a phone reads from the advertisement.
pub fn context(lock: &mut SimLock) -> LockContext {
    let ad = lock.advertisement();
    LockContext {
        lock_id: lock.lock_id(),
        epoch: ad.epoch,
        challenge: ad.challenge,
    }
}

/// What a phone learned from one AUTH.
pub struct AuthReply {
    pub request: Vec<u8>,
    pub result: AuthResult,
}

impl AuthReply {
    pub fn code(&self) -> ResultCode {
        self.result.code
    }
}

/// A phone with one digital key for one lock.
pub struct Phone {
    pub holder: SigningKey,
    pub cert: DigitalKey,
    pub lock_id: LockId,
    pub lock_key: latchkey_protocol::PublicKey,
    pub fast_key: Option<FastKey>,
    pub counter: u32,
    pub session: Option<SessionCipher>,
    /// The challenge the last AUTH answered (a time token may be bound to
    /// it).
    pub last_challenge: Option<Challenge>,
}

impl Phone {
    pub fn new(holder: SigningKey, cert: DigitalKey, lock: &SimLock) -> Self {
        Self {
            holder,
            cert,
            lock_id: lock.lock_id(),
            lock_key: lock.identity_public_key(),
            fast_key: None,
            counter: 0,
            session: None,
            last_challenge: None,
        }
    }

    pub fn key_id(&self) -> KeyId {
        self.cert.key_id()
    }

    /// A new BLE connection (the lock forgets any session and partial frame).
    pub fn connect(&mut self, lock: &mut SimLock) {
        lock.on_connect(MTU);
        self.session = None;
    }

    /// An AUTH request signed by this phone's holder key.
    pub fn build_auth(
        &self,
        ctx: &LockContext,
        cert: CertRef,
        command: Command,
        command_id: CommandId,
    ) -> (AuthRequest, EphemeralKey) {
        let eph = EphemeralKey::generate().expect("ephemeral");
        let req = AuthRequest::build(ctx, cert, eph.public_key(), command, command_id, |m| {
            self.holder.sign_message(m)
        })
        .expect("sign AUTH");
        (req, eph)
    }

    /// A standard unlock with the full certificate and a fresh command id.
    pub fn auth(&mut self, lock: &mut SimLock, command: Command) -> AuthReply {
        self.auth_with(
            lock,
            CertRef::Full(self.cert.clone()),
            command,
            CommandId::random().expect("id"),
        )
    }

    /// A standard unlock with the given certificate form and command id.
    pub fn auth_with(&mut self, lock: &mut SimLock, cert: CertRef, command: Command, id: CommandId) -> AuthReply {
        let ctx = context(lock);
        self.last_challenge = Some(ctx.challenge);
        let (req, eph) = self.build_auth(&ctx, cert, command, id);
        self.send_auth(lock, &req.encode(), eph)
    }

    /// Sends AUTH bytes, checks the lock's signature, and on a session-
    /// granting answer derives the session and the fast key.
    pub fn send_auth(&mut self, lock: &mut SimLock, request: &[u8], eph: EphemeralKey) -> AuthReply {
        let Frame::AuthResult(result) = exchange(lock, request) else {
            panic!("expected AUTH_RESULT");
        };
        result
            .verify(&self.lock_key, &self.lock_id, request)
            .expect("lock signature on AUTH_RESULT");
        if let Some(shared) = phone_agree(eph, &result).expect("ECDH") {
            let (secrets, fast) =
                derive_auth_keys(&shared, &self.lock_id, &self.key_id(), request, &result).expect("derive");
            self.session = Some(SessionCipher::phone(&secrets).expect("session"));
            self.fast_key = Some(fast);
            self.counter = 0;
        }
        AuthReply {
            request: request.to_vec(),
            result,
        }
    }

    /// A FAST request for the lock's current challenge, and that context.
    pub fn build_fast(
        &self,
        lock: &mut SimLock,
        counter: u32,
        command: Command,
        id: CommandId,
    ) -> (FastRequest, LockContext) {
        let ctx = context(lock);
        let key = self.fast_key.as_ref().expect("phone holds a fast key");
        (FastRequest::build(key, &ctx, self.key_id(), counter, command, id), ctx)
    }

    /// A fast repeat unlock with the next counter and a fresh command id.
    pub fn fast(&mut self, lock: &mut SimLock, command: Command) -> FastResult {
        let (req, ctx) = self.build_fast(lock, self.counter + 1, command, CommandId::random().expect("id"));
        self.send_fast(lock, &req, &ctx)
    }

    /// Sends a FAST request; checks the lock's MAC on any answer it could
    /// authenticate, and opens the session a successful FAST grants.
    pub fn send_fast(&mut self, lock: &mut SimLock, req: &FastRequest, ctx: &LockContext) -> FastResult {
        let Frame::FastResult(result) = exchange(lock, &req.encode()) else {
            panic!("expected FAST_RESULT");
        };
        let key = self.fast_key.clone().expect("phone holds a fast key");
        let authentic = result.is_authentic(&key, &req.mac);
        if !matches!(result.code, ResultCode::UnknownFastKey | ResultCode::BadMac) {
            assert!(authentic, "lock MACs every answer after authentication");
        }
        self.counter = self.counter.max(req.counter);
        let granted = matches!(
            result.code,
            ResultCode::Ok
                | ResultCode::Jammed
                | ResultCode::BoltNotThrown
                | ResultCode::DoorAjar
                | ResultCode::BatteryCritical
        );
        if authentic && granted && !result.replayed {
            let secrets = req.session_secrets(&key, ctx).expect("fast session");
            self.session = Some(SessionCipher::phone(&secrets).expect("session"));
        }
        result
    }

    /// One sealed session round trip.
    pub fn session(&mut self, lock: &mut SimLock, request: SessionRequest) -> SessionResponse {
        let cipher = self.session.as_mut().expect("phone has a session");
        let frame = cipher.seal(&request.encode()).expect("seal");
        let Frame::Session(sealed) = exchange(lock, &frame) else {
            panic!("expected a SESSION answer");
        };
        let plain = cipher.open(&sealed).expect("lock's session frame opens");
        SessionResponse::decode(&plain).expect("session response decodes")
    }
}

/// What an owner installs: `issuer`, the phone's clock at `time`, no PIN
/// secret, no groups.
pub fn configure_for(issuer: PublicKey, time: u32) -> Configure {
    Configure {
        issuer,
        pin_secret: None,
        utc_offset_min: 0,
        phone_time: time,
        groups: Vec::new(),
        name: "Front door".into(),
    }
}

/// A phone claiming a lock over the radio protocol.
pub struct Claimant {
    pub offer: ClaimOffer,
    pub keys: ClaimKeys,
    pub cipher: SessionCipher,
}

#[allow(clippy::result_large_err)] // a test helper: the refusal frame is the point
impl Claimant {
    /// HELLO, OFFER, PROOF, ACCEPTED with `secret`. `Err` carries the frame
    /// the lock answered instead of a session (an offer refusing the claim,
    /// a refused proof, an ERROR).
    pub fn start(lock: &mut SimLock, issuer_id: IssuerId, secret: &SetupSecret) -> Result<Self, Frame> {
        let eph = EphemeralKey::generate().expect("ephemeral");
        let hello = Frame::ClaimHello(ClaimHello {
            issuer_id,
            ephemeral: eph.public_key(),
        })
        .encode();
        let offer_bytes = exchange_raw(lock, &hello);
        let offer = match Frame::decode(&offer_bytes).expect("offer decodes") {
            Frame::ClaimOffer(offer) if offer.ephemeral.is_some() => offer,
            other => return Err(other),
        };
        let shared = eph.agree(&offer.ephemeral.expect("lock key")).expect("ECDH");
        let keys = ClaimKeys::derive(&shared, secret, &offer.lock_id, &hello, &offer_bytes).expect("keys");
        match exchange(lock, &Frame::ClaimProof(keys.phone_mac()).encode()) {
            Frame::ClaimAccepted {
                code: ResultCode::Ok,
                mac,
            } => {
                assert!(
                    keys.lock_proof_ok(&mac),
                    "the lock proves it holds the setup secret too"
                );
                let cipher = SessionCipher::phone(&keys.session).expect("cipher");
                Ok(Self { offer, keys, cipher })
            }
            other => Err(other),
        }
    }

    /// One setup request; panics unless the lock answers in the session.
    pub fn setup(&mut self, lock: &mut SimLock, request: SetupRequest) -> SetupResponse {
        self.try_setup(lock, request).expect("a setup answer")
    }

    /// One setup request; the ERROR code when the lock answers with one.
    pub fn try_setup(&mut self, lock: &mut SimLock, request: SetupRequest) -> Result<SetupResponse, ResultCode> {
        let frame = self.cipher.seal(&request.encode()).expect("seal");
        match exchange(lock, &frame) {
            Frame::Session(sealed) => {
                let plain = self.cipher.open(&sealed).expect("the lock's setup frame opens");
                Ok(SetupResponse::decode(&plain).expect("setup response decodes"))
            }
            Frame::Error(code) => Err(code),
            other => panic!("unexpected answer {other:?}"),
        }
    }
}
