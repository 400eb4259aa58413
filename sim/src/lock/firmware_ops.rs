//! Firmware in a session: begin (or resume) a download, chunks, install.
//! Only a key that passes the credential checks may carry firmware (the
//! caller checked). An image installs only when the whole of it hashes to
//! its vendor-signed manifest and its version is above the running one;
//! otherwise the old firmware keeps running and the refusal is logged.

use super::SimLock;
use crate::vendor::losses_of;
use latchkey_protocol::{
    EventKind, FirmwareLosses, FirmwareManifest, FirmwareVersion, KeyId, ResultCode, SessionResponse,
};

impl SimLock {
    pub(super) fn firmware_begin(&mut self, manifest: FirmwareManifest) -> SessionResponse {
        let offered = manifest.version;
        self.ops.ecdsa_verify += 1;
        match self.firmware.begin(manifest) {
            Ok((offset, size)) => SessionResponse::FirmwareBegun(ResultCode::Ok, offset, size),
            Err(code) => {
                self.firmware_rejected(offered, code);
                SessionResponse::FirmwareBegun(code, 0, 0)
            }
        }
    }

    pub(super) fn firmware_chunk(&mut self, offset: u32, data: &[u8]) -> SessionResponse {
        match self.firmware.chunk(offset, data) {
            Ok((held, size)) => SessionResponse::FirmwareChunk(ResultCode::Ok, held, size),
            Err((code, (held, size))) => SessionResponse::FirmwareChunk(code, held, size),
        }
    }

    /// Checks the whole image; on success logs the install, applies what
    /// the new firmware does not keep, and restarts into it once the
    /// answer is out (the session and connection end, challenges retire).
    pub(super) fn firmware_install(&mut self) -> SessionResponse {
        let running = self.firmware.running;
        let (manifest, image) = match self.firmware.take_verified() {
            Ok(verified) => verified,
            Err((ResultCode::FirmwareOffset, _)) => {
                return SessionResponse::FirmwareInstalled(ResultCode::FirmwareOffset, running)
            }
            Err((code, offered)) => {
                self.firmware_rejected(offered, code);
                return SessionResponse::FirmwareInstalled(code, running);
            }
        };
        let losses = losses_of(&image);
        self.firmware.running = manifest.version;
        if losses.has(FirmwareLosses::PIN_LIST) {
            let lost = self.keypad.drop_list();
            if lost > 0 {
                self.lost_pin_seq = Some(lost);
            }
        }
        if losses.has(FirmwareLosses::CERTIFICATES) {
            self.creds.drop_certificates();
        }
        if losses.has(FirmwareLosses::CLOCK_TRUST) {
            self.rtc.untrust();
        }
        let mut versions = KeyId::default();
        versions.0[..4].copy_from_slice(&running.0.to_be_bytes());
        versions.0[4..].copy_from_slice(&manifest.version.0.to_be_bytes());
        self.record(EventKind::FirmwareInstalled, versions, 0, losses.0);
        self.conn.restart_after_answer = true;
        SessionResponse::FirmwareInstalled(ResultCode::Ok, manifest.version)
    }

    fn firmware_rejected(&mut self, offered: FirmwareVersion, code: ResultCode) {
        let mut versions = KeyId::default();
        versions.0[..4].copy_from_slice(&offered.0.to_be_bytes());
        self.record(EventKind::FirmwareRejected, versions, code as u8, 0);
    }
}
