//! Packets in, frames out: reassembly, dispatch, and the two one-round-trip
//! unlocks (AUTH and FAST).

use super::claim_state::ClaimState;
use super::credentials::FastEntry;
use super::{Session, SimLock};
use latchkey_protocol::{
    derive_auth_keys, AuthRequest, AuthResult, CertRef, Challenge, ChallengeInfo, DigitalKey, EphemeralKey, FastKey,
    FastRequest, FastResult, Frame, LockContext, ProtocolError, PublicKey, ResultCode, SessionCipher,
};

/// Why a request did not prove a key.
enum Unproven {
    /// Refused with this code (a signed answer, if the budget allows).
    Refused(ResultCode),
    /// The budget for unproven work is spent: nothing was checked.
    Busy,
}

/// Maps a reassembly failure to the code the ERROR frame carries.
fn framing_code(error: &ProtocolError) -> ResultCode {
    match error {
        ProtocolError::FrameTooLarge { .. } => ResultCode::FrameTooLarge,
        ProtocolError::ReassemblyTimeout { .. }
        | ProtocolError::FragmentOutOfOrder { .. }
        | ProtocolError::UnexpectedContinuation
        | ProtocolError::FrameLengthMismatch { .. } => ResultCode::FrameIncomplete,
        _ => ResultCode::BadRequest,
    }
}

impl SimLock {
    /// One RX packet: a response frame when it completed (or broke) one.
    pub(super) fn receive_packet(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        let now_ms = self.now_ms();
        self.challenges.refresh(now_ms);
        match self.conn.reassembler.push(packet, now_ms) {
            Ok(None) => None,
            Ok(Some(frame)) => Some(self.handle_frame(&frame).encode()),
            Err(e) => Some(Frame::Error(framing_code(&e)).encode()),
        }
    }

    /// Time passed with no packet: reports a partial frame that timed out.
    pub(super) fn tick(&mut self) -> Option<Vec<u8>> {
        let now_ms = self.now_ms();
        self.challenges.refresh(now_ms);
        let timed_out = self.conn.reassembler.check_timeout(now_ms).err()?;
        Some(Frame::Error(framing_code(&timed_out)).encode())
    }

    fn handle_frame(&mut self, bytes: &[u8]) -> Frame {
        let decoded = Frame::decode(bytes);
        let setup_open = matches!(self.conn.claim, Some(ClaimState::Setup(_)));
        match decoded {
            Ok(Frame::ClaimHello(hello)) => self.handle_claim_hello(&hello, bytes),
            Ok(Frame::ClaimProof(mac)) => self.handle_claim_proof(&mac),
            Ok(Frame::Session(sealed)) if setup_open => self.handle_setup_session(&sealed),
            // No issuer: nothing a key proves means anything yet.
            Ok(Frame::Auth(_) | Frame::Fast(_) | Frame::Session(_)) if self.owner.is_none() => {
                Frame::Error(ResultCode::LockUnclaimed)
            }
            Ok(Frame::Auth(req)) => self.handle_auth(&req, bytes),
            Ok(Frame::Fast(req)) => Frame::FastResult(self.handle_fast(&req)),
            Ok(Frame::Session(sealed)) => self.handle_session(&sealed),
            Ok(Frame::GetChallenge) => Frame::Challenge(ChallengeInfo {
                challenge: self.challenges.current(),
                epoch: self.epoch,
                lock_id: self.lock_id,
            }),
            // Lock-to-phone frames sent to the lock, or undecodable bytes.
            Ok(_) | Err(_) => Frame::Error(ResultCode::BadRequest),
        }
    }

    fn context(&self, challenge: Challenge) -> LockContext {
        LockContext {
            lock_id: self.lock_id,
            epoch: self.epoch,
            challenge,
        }
    }

    /// Takes one operation from the budget for work on requests that have
    /// not proved a key; `spent` counts what this request took.
    fn spend_unproven(&mut self, spent: &mut u32) -> Result<(), Unproven> {
        if !self.unauth.try_spend(self.now_ms()) {
            return Err(Unproven::Busy);
        }
        *spent += 1;
        Ok(())
    }

    /// AUTH steps up to and including the holder signature. On success the
    /// certificate enters the cache (only for a proven holder, so strangers
    /// cannot evict real entries by replaying public certificates). Every
    /// verification here is paid from the unauthenticated budget.
    fn authenticate(&mut self, req: &AuthRequest, spent: &mut u32) -> Result<DigitalKey, Unproven> {
        if !self.challenges.is_live(&req.challenge) {
            return Err(Unproven::Refused(ResultCode::StaleChallenge));
        }
        let hash = req.cert.hash();
        let cert = match &req.cert {
            CertRef::Full(cert) => {
                // A cache hit skips the ECDSA verify: the point of the cache.
                // An unknown issuer is refused on its id alone.
                if self.creds.cert_cache.peek(&hash).is_none() {
                    if cert.issuer_id == self.issuer_key().issuer_id() {
                        self.spend_unproven(spent)?;
                        self.ops.ecdsa_verify += 1;
                    }
                    cert.verify(&self.issuer_key()).map_err(Unproven::Refused)?;
                }
                cert.clone()
            }
            CertRef::Hash(h) => self
                .creds
                .cert_cache
                .peek(h)
                .cloned()
                .ok_or(Unproven::Refused(ResultCode::CertificateNotCached))?,
        };
        if !cert.applies_to(&self.lock_id, self.groups()) {
            return Err(Unproven::Refused(ResultCode::WrongLock));
        }
        self.spend_unproven(spent)?;
        self.ops.ecdsa_verify += 1;
        req.verify_holder(&self.context(req.challenge), &cert)
            .map_err(Unproven::Refused)?;
        self.creds.cert_cache.insert(hash, cert.clone());
        Ok(cert)
    }

    fn handle_auth(&mut self, req: &AuthRequest, request: &[u8]) -> Frame {
        let mut spent = 0;
        let cert = match self.authenticate(req, &mut spent) {
            Ok(cert) => cert,
            Err(Unproven::Busy) => return Frame::Error(ResultCode::LockBusy),
            // The refusal's signature is unproven work too.
            Err(Unproven::Refused(code)) => match self.spend_unproven(&mut spent) {
                Ok(()) => return self.auth_answer(code, false, None, request),
                Err(_) => return Frame::Error(ResultCode::LockBusy),
            },
        };
        // A proven holder: the verifications were not junk.
        self.unauth.refund(spent);
        let minted_ms = self.challenges.minted_ms(&req.challenge).unwrap_or(0);
        self.challenges.consume(&req.challenge, self.now_ms());
        let key_id = cert.key_id();
        // Credentials before anything else: a refused key learns only the
        // refusal (redacted status, no session, no stored outcome), whatever
        // it asks. An untrusted clock is the one refusal that still gets a
        // session, limited to delivering time (see session_ops.rs).
        if let Err(code) = self.authorize(&cert, req.command) {
            self.deny(key_id, req.command, code);
            if code != ResultCode::ClockUntrusted {
                return self.auth_answer(code, false, None, request);
            }
            return self.auth_with_session(req, request, &cert, minted_ms, Some(code));
        }
        if let Some(stored) = self.stored_outcome(&key_id, &req.command_id) {
            // An authorized holder: it may see the state its command left.
            return match self.sign_auth_result(stored.code, true, None, true, request) {
                Some(result) => Frame::AuthResult(result),
                None => Frame::Error(stored.code),
            };
        }
        self.auth_with_session(req, request, &cert, minted_ms, None)
    }

    /// The ECDH, the command (unless `refusal`), the signed answer with the
    /// lock's ephemeral key, and the session and fast key it yields.
    fn auth_with_session(
        &mut self,
        req: &AuthRequest,
        request: &[u8],
        cert: &DigitalKey,
        minted_ms: u64,
        refusal: Option<ResultCode>,
    ) -> Frame {
        let key_id = cert.key_id();
        // ECDH before the motor runs: a bad phone ephemeral must leave the
        // bolt untouched.
        self.ops.ecdh += 1;
        let exchange = EphemeralKey::generate().and_then(|mine| {
            let public = mine.public_key();
            mine.agree(&req.ephemeral).map(|shared| (public, shared))
        });
        let Ok((lock_ephemeral, shared)) = exchange else {
            self.deny(key_id, req.command, ResultCode::BadRequest);
            return self.auth_answer(ResultCode::BadRequest, false, None, request);
        };
        let code = match refusal {
            Some(code) => code,
            None => self.execute(key_id, req.command, req.command_id),
        };
        let authorized = refusal.is_none();
        let Some(result) = self.sign_auth_result(code, false, Some(lock_ephemeral), authorized, request) else {
            return Frame::Error(ResultCode::BadRequest);
        };
        if let Ok((secrets, fast_key)) = derive_auth_keys(&shared, &self.lock_id, &key_id, request, &result) {
            self.creds.fast_keys.insert(
                key_id,
                FastEntry {
                    key: fast_key,
                    counter: 0,
                    cert: cert.clone(),
                },
            );
            if let Ok(cipher) = SessionCipher::lock(&secrets) {
                self.conn.session = Some(Session {
                    cipher,
                    key_id,
                    cert: cert.clone(),
                    challenge: req.challenge,
                    challenge_minted_ms: minted_ms,
                    opened_ms: self.now_ms(),
                });
            }
        }
        Frame::AuthResult(result)
    }

    /// A signed answer without a session (refusals and replays).
    fn auth_answer(&mut self, code: ResultCode, replayed: bool, eph: Option<PublicKey>, request: &[u8]) -> Frame {
        match self.sign_auth_result(code, replayed, eph, false, request) {
            Some(result) => Frame::AuthResult(result),
            None => Frame::Error(code),
        }
    }

    /// Signs an AUTH_RESULT; the full status goes only to a proven,
    /// authorized holder.
    fn sign_auth_result(
        &mut self,
        code: ResultCode,
        replayed: bool,
        lock_ephemeral: Option<PublicKey>,
        authorized: bool,
        request: &[u8],
    ) -> Option<AuthResult> {
        let status = if authorized {
            self.status()
        } else {
            self.public_status()
        };
        self.ops.ecdsa_sign += 1;
        AuthResult::unsigned(code, replayed, self.challenges.current(), status, lock_ephemeral)
            .sign(&self.identity, &self.lock_id, request)
            .ok()
    }

    /// FAST: HMAC and counter instead of signatures; never an asymmetric
    /// operation.
    fn handle_fast(&mut self, req: &FastRequest) -> FastResult {
        let Some(entry) = self.creds.fast_keys.get(&req.key_id).cloned() else {
            return self.fast_answer(None, req, ResultCode::UnknownFastKey, false, false);
        };
        let live: Vec<(Challenge, u64)> = self.challenges.live_minted().collect();
        let Some((challenge, minted_ms)) = live
            .into_iter()
            .find(|(c, _)| req.verify(&entry.key, &self.context(*c)))
        else {
            return self.fast_answer(None, req, ResultCode::BadMac, false, false);
        };
        self.challenges.consume(&challenge, self.now_ms());
        let key = Some(&entry.key);
        // Credentials first, as for AUTH: a refused key gets the refusal
        // and nothing else.
        if let Err(code) = self.authorize(&entry.cert, req.command) {
            self.advance_counter(req);
            self.deny(req.key_id, req.command, code);
            // As with AUTH: an untrusted clock leaves a session open for
            // time delivery only, and moves nothing.
            if code == ResultCode::ClockUntrusted {
                self.open_fast_session(&entry, req, challenge, minted_ms);
            }
            return self.fast_answer(key, req, code, false, false);
        }
        if let Some(stored) = self.stored_outcome(&req.key_id, &req.command_id) {
            self.open_fast_session(&entry, req, challenge, minted_ms);
            return self.fast_answer(key, req, stored.code, true, true);
        }
        if req.counter <= entry.counter {
            self.deny(req.key_id, req.command, ResultCode::CounterReplay);
            return self.fast_answer(key, req, ResultCode::CounterReplay, false, false);
        }
        self.advance_counter(req);
        let code = self.execute(req.key_id, req.command, req.command_id);
        self.open_fast_session(&entry, req, challenge, minted_ms);
        self.fast_answer(key, req, code, false, true)
    }

    /// Any authenticated request moves the counter forward, refused or not.
    fn advance_counter(&mut self, req: &FastRequest) {
        if let Some(stored) = self.creds.fast_keys.get(&req.key_id) {
            stored.counter = stored.counter.max(req.counter);
        }
    }

    fn open_fast_session(&mut self, entry: &FastEntry, req: &FastRequest, challenge: Challenge, minted_ms: u64) {
        if let Ok(cipher) = req
            .session_secrets(&entry.key, &self.context(challenge))
            .and_then(|s| SessionCipher::lock(&s))
        {
            self.conn.session = Some(Session {
                cipher,
                key_id: req.key_id,
                cert: entry.cert.clone(),
                challenge,
                challenge_minted_ms: minted_ms,
                opened_ms: self.now_ms(),
            });
        }
    }

    fn fast_answer(
        &self,
        key: Option<&FastKey>,
        req: &FastRequest,
        code: ResultCode,
        replayed: bool,
        authorized: bool,
    ) -> FastResult {
        let status = if authorized {
            self.status()
        } else {
            self.public_status()
        };
        FastResult::build(key, &req.mac, code, replayed, status.compact(), self.lock_time())
    }
}
