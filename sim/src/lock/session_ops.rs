//! Follow-on commands inside an authenticated session: status, signed
//! event batches, revocation lists, trusted time, outcomes, actuation,
//! keypad PIN lists.
//!
//! A session lives [`SESSION_LIFETIME_MS`] from the AUTH or FAST that
//! opened it, and its rights are decided again on every frame from its
//! certificate: while the key passes the credential checks, everything is
//! open; once it doesn't (it expired or left its schedule mid-session, was
//! revoked, or the clock is untrusted), the session can only do what helps
//! the lock and tells the holder nothing a refusal wouldn't: carry signed
//! lists, read the redacted status, and (only when the clock is the
//! reason) deliver a time token. Events, outcomes and actuation are
//! refused with the credential's code.

use super::{Connection, Session, SimLock};
use latchkey_protocol::{
    ChallengeAge, Command, CommandId, EventBatch, EventKind, Frame, PinList, ResultCode, RevocationList,
    SessionRequest, SessionResponse, TimeToken, SESSION_LIFETIME_MS,
};

impl SimLock {
    /// Opens, runs and seals one session frame. A frame that fails to open
    /// (bad tag, wrong counter) ends the session.
    pub(super) fn handle_session(&mut self, sealed: &[u8]) -> Frame {
        let Some(mut session) = self.conn.session.take() else {
            return Frame::Error(ResultCode::NoSession);
        };
        if self.now_ms().saturating_sub(session.opened_ms) > SESSION_LIFETIME_MS {
            // Expired: gone for good; the phone authenticates again.
            return Frame::Error(ResultCode::NoSession);
        }
        let Ok(plaintext) = session.cipher.open(sealed) else {
            return Frame::Error(ResultCode::BadRequest);
        };
        let response = match SessionRequest::decode(&plaintext) {
            Ok(request) => self.session_op(&session, request),
            Err(_) => {
                // Authentic but not understood (e.g. a newer phone): the
                // session stays usable.
                self.conn.session = Some(session);
                return Frame::Error(ResultCode::BadRequest);
            }
        };
        let sealed = session.cipher.seal(&response.encode());
        if self.conn.restart_after_answer {
            // New firmware: the lock restarts into it once this answer is
            // out; the session and the challenges answered before are gone.
            self.conn = Connection::new();
            self.challenges.restart(self.now_ms());
        } else {
            self.conn.session = Some(session);
        }
        match sealed {
            Ok(frame) => Frame::Session(frame),
            Err(_) => Frame::Error(ResultCode::NoSession),
        }
    }

    fn session_op(&mut self, session: &Session, request: SessionRequest) -> SessionResponse {
        // `Status` stands for "any command": role limits apply to actuation
        // only, and `Actuate` checks its own command below.
        let refused = self.authorize(&session.cert, Command::Status).err();
        match (request, refused) {
            // Signed lists help the lock whoever carries them.
            (SessionRequest::PushRevocations(list), _) => self.push_revocations(session, list),
            (SessionRequest::PushPins(list), _) => self.push_pins(session, list),
            (SessionRequest::Status, None) => SessionResponse::Status(ResultCode::Ok, Some(self.status())),
            (SessionRequest::Status, Some(_)) => SessionResponse::Status(ResultCode::Ok, Some(self.public_status())),
            (SessionRequest::SetTime(token), None | Some(ResultCode::ClockUntrusted)) => self.set_time(session, &token),
            (SessionRequest::SetTime(_), Some(code)) => SessionResponse::Time(code, None),
            (SessionRequest::FetchEvents { after_seq, max }, None) => self.fetch_events(after_seq, max),
            (SessionRequest::FetchEvents { .. }, Some(code)) => SessionResponse::Events(code, None),
            (SessionRequest::Outcome(command_id), None) => match self.stored_outcome(&session.key_id, &command_id) {
                Some(o) => SessionResponse::Outcome(ResultCode::Ok, Some((o.command, o.code))),
                None => SessionResponse::Outcome(ResultCode::OutcomeUnknown, None),
            },
            (SessionRequest::Outcome(_), Some(code)) => SessionResponse::Outcome(code, None),
            (SessionRequest::Info, None) => SessionResponse::Info(ResultCode::Ok, Some(self.info())),
            (SessionRequest::Info, Some(code)) => SessionResponse::Info(code, None),
            (SessionRequest::FirmwareBegin(manifest), None) => self.firmware_begin(manifest),
            (SessionRequest::FirmwareBegin(_), Some(code)) => SessionResponse::FirmwareBegun(code, 0, 0),
            (SessionRequest::FirmwareChunk { offset, data }, None) => self.firmware_chunk(offset, &data),
            (SessionRequest::FirmwareChunk { .. }, Some(code)) => SessionResponse::FirmwareChunk(code, 0, 0),
            (SessionRequest::FirmwareInstall, None) => self.firmware_install(),
            (SessionRequest::FirmwareInstall, Some(code)) => {
                SessionResponse::FirmwareInstalled(code, self.firmware.running)
            }
            (SessionRequest::Actuate { command, command_id }, _) => {
                let code = self.session_actuate(session, command, command_id);
                let status = if self.authorize(&session.cert, command).is_ok() {
                    self.status()
                } else {
                    self.public_status()
                };
                SessionResponse::Actuated(code, status)
            }
        }
    }

    /// Like revocations: only a valid list with a higher seq is installed.
    /// The answer always carries the seq the lock holds after.
    fn push_pins(&mut self, session: &Session, list: PinList) -> SessionResponse {
        if list.lock_id == self.lock_id && list.issuer_id == self.issuer_key().issuer_id() {
            self.ops.ecdsa_verify += 1;
        }
        let held = self.keypad.pin_seq();
        if let Err(code) = list.verify_for(&self.issuer_key(), &self.lock_id) {
            return SessionResponse::Pins(code, held);
        }
        if list.seq <= held {
            return SessionResponse::Pins(ResultCode::PinListOutdated, held);
        }
        let seq = list.seq;
        self.keypad.install(list);
        // A list at least as new as one a firmware update dropped: the
        // lock no longer asks phones for lists.
        if self.lost_pin_seq.is_some_and(|lost| seq >= lost) {
            self.lost_pin_seq = None;
        }
        // Detail: low 16 bits of the new seq.
        self.record(EventKind::PinsUpdated, session.key_id, 0, seq as u16);
        SessionResponse::Pins(ResultCode::Ok, seq)
    }

    fn fetch_events(&mut self, after_seq: u32, max: u8) -> SessionResponse {
        let (chain_before, events) = self.log.select(after_seq, max);
        let delivered_through = events.last().map_or(after_seq, |e| e.seq);
        self.ops.ecdsa_sign += 1;
        match EventBatch::sign(
            &self.identity,
            self.lock_id,
            self.epoch,
            self.log.oldest_held(),
            self.log.head_seq(),
            chain_before,
            events,
        ) {
            Ok(batch) => {
                self.log.mark_fetched(delivered_through);
                SessionResponse::Events(ResultCode::Ok, Some(batch))
            }
            Err(_) => SessionResponse::Events(ResultCode::BadRequest, None),
        }
    }

    fn push_revocations(&mut self, session: &Session, list: RevocationList) -> SessionResponse {
        let target_ok = if list.lock_group {
            self.groups().contains(&list.lock_id)
        } else {
            list.lock_id == self.lock_id
        };
        if target_ok && list.issuer_id == self.issuer_key().issuer_id() {
            self.ops.ecdsa_verify += 1;
        }
        if let Err(code) = list.verify_for(&self.issuer_key(), &self.lock_id, self.groups()) {
            return SessionResponse::Revocations(code, None);
        }
        if list.seq <= self.creds.revocation_seq() {
            return SessionResponse::Revocations(ResultCode::RevocationListOutdated, None);
        }
        let seq = list.seq;
        self.creds.install_revocations(list);
        // Detail: low 16 bits of the new seq.
        self.record(EventKind::RevocationsUpdated, session.key_id, 0, seq as u16);
        SessionResponse::Revocations(ResultCode::Ok, Some(seq))
    }

    /// Trusted time: the only way the clock moves. A token may be bound to
    /// the challenge that opened this session or to a live one; the lock
    /// tells the token rules how long ago it minted each, so a bound token
    /// can't set the clock behind true time however long the session was
    /// held.
    fn set_time(&mut self, session: &Session, token: &TimeToken) -> SessionResponse {
        let now_ms = self.now_ms();
        let age_s = |minted_ms: u64| u32::try_from(now_ms.saturating_sub(minted_ms).div_ceil(1000)).unwrap_or(u32::MAX);
        let minted: Vec<ChallengeAge> = std::iter::once((session.challenge, session.challenge_minted_ms))
            .chain(self.challenges.live_minted())
            .map(|(challenge, at)| ChallengeAge {
                challenge,
                age_s: age_s(at),
            })
            .collect();
        if token.lock_id == self.lock_id && token.issuer_id == self.issuer_key().issuer_id() {
            self.ops.ecdsa_verify += 1;
        }
        match self
            .rtc
            .apply_token(token, &self.issuer_key(), &self.lock_id, &minted, now_ms)
        {
            Ok(new_time) => {
                self.record(EventKind::TimeSet, session.key_id, 0, 0);
                SessionResponse::Time(ResultCode::Ok, Some(new_time))
            }
            Err(code) => {
                // A refused token may be a rollback attempt: keep a trace.
                self.record(EventKind::AccessDenied, session.key_id, code as u8, 0);
                SessionResponse::Time(code, None)
            }
        }
    }

    /// The same decisions as a fresh AUTH/FAST command, in the same order
    /// (credentials, then a stored outcome), keyed by the session's key id.
    fn session_actuate(&mut self, session: &Session, command: Command, command_id: CommandId) -> ResultCode {
        if let Err(code) = self.authorize(&session.cert, command) {
            self.deny(session.key_id, command, code);
            return code;
        }
        if let Some(stored) = self.stored_outcome(&session.key_id, &command_id) {
            return stored.code;
        }
        self.execute(session.key_id, command, command_id)
    }
}
