//! The setup session after a verified claim: configure, calibrate, lists,
//! finish. Nothing is committed before `finish`; then everything is, at
//! once, and logged in the hash chain: `claimed`, `time_set`, and the
//! lists installed.

use super::claim_state::{ClaimState, PendingSetup, SetupSession};
use super::{Owner, SimLock};
use latchkey_protocol::{
    ClaimReceipt, EventKind, Frame, KeyId, ResultCode, SetupRequest, SetupResponse, Signature, SESSION_LIFETIME_MS,
};

impl SimLock {
    /// One sealed frame of the setup session.
    pub(super) fn handle_setup_session(&mut self, sealed: &[u8]) -> Frame {
        let Some(ClaimState::Setup(mut setup)) = self.conn.claim.take() else {
            return Frame::Error(ResultCode::NoSession);
        };
        if self.now_ms().saturating_sub(setup.opened_ms) > SESSION_LIFETIME_MS {
            return Frame::Error(ResultCode::NoSession);
        }
        let Ok(plaintext) = setup.cipher.open(sealed) else {
            return Frame::Error(ResultCode::BadRequest);
        };
        let Ok(request) = SetupRequest::decode(&plaintext) else {
            self.conn.claim = Some(ClaimState::Setup(setup));
            return Frame::Error(ResultCode::BadRequest);
        };
        let finished = matches!(request, SetupRequest::Finish);
        let response = self.setup_op(&mut setup, request);
        let sealed = setup.cipher.seal(&response.encode());
        // A committed claim ends the setup session: from now on phones
        // talk to the lock with their keys.
        if !(finished && response.code().is_ok()) {
            self.conn.claim = Some(ClaimState::Setup(setup));
        }
        match sealed {
            Ok(frame) => Frame::Session(frame),
            Err(_) => Frame::Error(ResultCode::NoSession),
        }
    }

    fn setup_op(&mut self, setup: &mut SetupSession, request: SetupRequest) -> SetupResponse {
        let pending = &mut setup.pending;
        match request {
            SetupRequest::Configure(c) => {
                if !(-720..=840).contains(&c.utc_offset_min) {
                    return SetupResponse::Configured(ResultCode::BadRequest, self.lock_time());
                }
                let now_ms = self.now_ms();
                // Never behind what the lock knew: a claimant can't roll
                // the clock back to revive an expired key.
                let time = c.phone_time.max(self.rtc.floor(now_ms));
                pending.time = Some((time, now_ms));
                pending.configure = Some(c);
                SetupResponse::Configured(ResultCode::Ok, time)
            }
            SetupRequest::Calibrate => {
                let (code, travel, hardware) = self.mech.calibrate();
                self.record(EventKind::Calibrated, KeyId::default(), code as u8, travel);
                self.record_hardware(&hardware);
                SetupResponse::Calibrated(code, travel)
            }
            SetupRequest::PushRevocations(list) => {
                let held = pending.revocations.as_ref().map_or(0, |l| l.seq);
                let Some(c) = &pending.configure else {
                    return SetupResponse::Revocations(ResultCode::SetupIncomplete, held);
                };
                self.ops.ecdsa_verify += 1;
                let groups = c.groups.clone();
                match list.verify_for(&c.issuer, &self.lock_id, &groups) {
                    Err(code) => SetupResponse::Revocations(code, held),
                    Ok(()) if list.seq <= held => SetupResponse::Revocations(ResultCode::RevocationListOutdated, held),
                    Ok(()) => {
                        let seq = list.seq;
                        pending.revocations = Some(list);
                        SetupResponse::Revocations(ResultCode::Ok, seq)
                    }
                }
            }
            SetupRequest::PushPins(list) => {
                let held = pending.pins.as_ref().map_or(0, |l| l.seq);
                let Some(c) = &pending.configure else {
                    return SetupResponse::Pins(ResultCode::SetupIncomplete, held);
                };
                self.ops.ecdsa_verify += 1;
                match list.verify_for(&c.issuer, &self.lock_id) {
                    Err(code) => SetupResponse::Pins(code, held),
                    Ok(()) if list.seq <= held => SetupResponse::Pins(ResultCode::PinListOutdated, held),
                    Ok(()) => {
                        let seq = list.seq;
                        pending.pins = Some(list);
                        SetupResponse::Pins(ResultCode::Ok, seq)
                    }
                }
            }
            SetupRequest::Finish => match self.commit(pending) {
                Ok(receipt) => SetupResponse::Finished(ResultCode::Ok, Some(receipt)),
                Err(code) => SetupResponse::Finished(code, None),
            },
        }
    }

    /// Checks the setup is complete and commits all of it.
    fn commit(&mut self, pending: &mut PendingSetup) -> Result<ClaimReceipt, ResultCode> {
        let (Some(c), Some((time, set_ms))) = (pending.configure.take(), pending.time) else {
            return Err(ResultCode::SetupIncomplete);
        };
        if !self.mech.calibrated() {
            pending.configure = Some(c);
            return Err(ResultCode::SetupIncomplete);
        }
        let issuer_id = c.issuer.issuer_id();
        let revocation_seq = pending.revocations.as_ref().map_or(0, |l| l.seq);
        let floor = self
            .previous_owner
            .filter(|(id, _)| *id == issuer_id)
            .map_or(0, |(_, s)| s);
        if revocation_seq < floor {
            pending.configure = Some(c);
            return Err(ResultCode::RevocationListOutdated);
        }
        if self.owner.is_some() {
            // Another phone's claim committed first.
            return Err(ResultCode::AlreadyClaimed);
        }
        let now_ms = self.now_ms();
        self.rtc.set(
            time.saturating_add((now_ms.saturating_sub(set_ms) / 1000) as u32),
            now_ms,
        );
        self.rtc.set_utc_offset(c.utc_offset_min);
        self.owner = Some(Owner {
            issuer: c.issuer,
            groups: c.groups,
        });
        self.previous_owner = None;
        self.name = c.name;
        self.keypad.set_secret(c.pin_secret);
        let mut key_id = KeyId::default();
        key_id.0[..4].copy_from_slice(&issuer_id.0);
        key_id.0[4..].copy_from_slice(&self.firmware.running.0.to_be_bytes());
        self.record(EventKind::Claimed, key_id, 0, 0);
        self.record(EventKind::TimeSet, KeyId::default(), 0, 0);
        if let Some(list) = pending.revocations.take() {
            self.creds.install_revocations(list);
            self.record(
                EventKind::RevocationsUpdated,
                KeyId::default(),
                0,
                revocation_seq as u16,
            );
        }
        let pin_seq = pending.pins.as_ref().map_or(0, |l| l.seq);
        if let Some(list) = pending.pins.take() {
            self.keypad.install(list);
            self.record(EventKind::PinsUpdated, KeyId::default(), 0, pin_seq as u16);
        }
        self.ops.ecdsa_sign += 1;
        ClaimReceipt {
            lock_id: self.lock_id,
            epoch: self.epoch,
            issuer_id,
            firmware: self.firmware.running,
            revocation_seq,
            pin_seq,
            claimed_at: self.lock_time(),
            signature: Signature([0; 64]),
        }
        .sign(&self.identity)
        .map_err(|_| ResultCode::BadRequest)
    }
}
