//! Follow-on commands inside an authenticated session: status, signed
//! event batches, revocation lists, trusted time, outcomes, actuation,
//! keypad PIN lists.

use super::{Session, SimLock};
use latchkey_protocol::{
    Command, CommandId, EventBatch, EventKind, Frame, PinList, ResultCode, RevocationList, SessionRequest,
    SessionResponse, TimeToken,
};

impl SimLock {
    /// Opens, runs and seals one session frame. A frame that fails to open
    /// (bad tag, wrong counter) ends the session.
    pub(super) fn handle_session(&mut self, sealed: &[u8]) -> Frame {
        let Some(mut session) = self.conn.session.take() else {
            return Frame::Error(ResultCode::NoSession);
        };
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
        match session.cipher.seal(&response.encode()) {
            Ok(frame) => {
                self.conn.session = Some(session);
                Frame::Session(frame)
            }
            Err(_) => Frame::Error(ResultCode::NoSession),
        }
    }

    fn session_op(&mut self, session: &Session, request: SessionRequest) -> SessionResponse {
        match request {
            SessionRequest::Status => SessionResponse::Status(ResultCode::Ok, Some(self.status())),
            SessionRequest::FetchEvents { after_seq, max } => self.fetch_events(after_seq, max),
            SessionRequest::PushRevocations(list) => self.push_revocations(session, list),
            SessionRequest::SetTime(token) => self.set_time(session, &token),
            SessionRequest::Outcome(command_id) => match self.stored_outcome(&session.key_id, &command_id) {
                Some(o) => SessionResponse::Outcome(ResultCode::Ok, Some((o.command, o.code))),
                None => SessionResponse::Outcome(ResultCode::OutcomeUnknown, None),
            },
            SessionRequest::Actuate { command, command_id } => {
                let code = self.session_actuate(session, command, command_id);
                SessionResponse::Actuated(code, self.status())
            }
            SessionRequest::PushPins(list) => self.push_pins(session, list),
        }
    }

    /// Like revocations: only a valid list with a higher seq is installed.
    /// The answer always carries the seq the lock holds after.
    fn push_pins(&mut self, session: &Session, list: PinList) -> SessionResponse {
        if list.lock_id == self.lock_id && list.issuer_id == self.issuer.issuer_id() {
            self.ops.ecdsa_verify += 1;
        }
        let held = self.keypad.pin_seq();
        if let Err(code) = list.verify_for(&self.issuer, &self.lock_id) {
            return SessionResponse::Pins(code, held);
        }
        if list.seq <= held {
            return SessionResponse::Pins(ResultCode::PinListOutdated, held);
        }
        let seq = list.seq;
        self.keypad.install(list);
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
            self.groups.contains(&list.lock_id)
        } else {
            list.lock_id == self.lock_id
        };
        if target_ok && list.issuer_id == self.issuer.issuer_id() {
            self.ops.ecdsa_verify += 1;
        }
        if let Err(code) = list.verify_for(&self.issuer, &self.lock_id, &self.groups) {
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
    /// the challenge that opened this session or to a live one.
    fn set_time(&mut self, session: &Session, token: &TimeToken) -> SessionResponse {
        let challenge = if token.nonce == session.challenge || self.challenges.is_live(&token.nonce) {
            token.nonce
        } else {
            session.challenge
        };
        if token.lock_id == self.lock_id && token.issuer_id == self.issuer.issuer_id() {
            self.ops.ecdsa_verify += 1;
        }
        let now_ms = self.now_ms();
        match self
            .rtc
            .apply_token(token, &self.issuer, &self.lock_id, &challenge, now_ms)
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

    /// The same decisions as a fresh AUTH/FAST command, keyed by the
    /// session's key id.
    fn session_actuate(&mut self, session: &Session, command: Command, command_id: CommandId) -> ResultCode {
        if let Some(stored) = self.stored_outcome(&session.key_id, &command_id) {
            return stored.code;
        }
        if let Err(code) = self.authorize(&session.cert, command) {
            self.deny(session.key_id, command, code);
            return code;
        }
        self.execute(session.key_id, command, command_id)
    }
}
