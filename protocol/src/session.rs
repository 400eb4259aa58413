//! The sealing of follow-on commands inside an authenticated connection:
//! AES-128-GCM under per-direction keys and counters (the commands
//! themselves are in `session_ops.rs`).
//!
//! SESSION frame: type 0x05 ‖ counter (4) ‖ ciphertext ‖ tag (16). The nonce
//! is `direction (1) ‖ 0 (7) ‖ counter (4)` and the associated data is the
//! type byte and counter. Each side expects exactly the next counter: a
//! replayed, dropped or reordered frame ends the session.

use crate::auth::SessionSecrets;
use crate::codec::{Reader, Writer};
use crate::error::{ProtocolError, Result};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM};

pub(crate) const TYPE_SESSION: u8 = 0x05;

/// How long a lock keeps a session open after the AUTH or FAST that opened
/// it, by its monotonic timer: later frames get `no_session` and the phone
/// authenticates again. A phone's whole follow-on work (16 event batches,
/// a revocation list and a PIN list at MTU 23) takes about 25 s; a held
/// connection must not keep a key's rights alive past its validity.
pub const SESSION_LIFETIME_MS: u64 = 60_000;
const DIR_PHONE_TO_LOCK: u8 = 1;
const DIR_LOCK_TO_PHONE: u8 = 2;

/// One side's session state.
pub struct SessionCipher {
    send: LessSafeKey,
    recv: LessSafeKey,
    send_dir: u8,
    recv_dir: u8,
    send_counter: u32,
    recv_counter: u32,
}

impl std::fmt::Debug for SessionCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SessionCipher(sent {}, received {})",
            self.send_counter, self.recv_counter
        )
    }
}

fn aes_key(bytes: &[u8; 16]) -> Result<LessSafeKey> {
    UnboundKey::new(&AES_128_GCM, bytes)
        .map(LessSafeKey::new)
        .map_err(|_| ProtocolError::Crypto("AES-128-GCM key setup failed"))
}

fn nonce(dir: u8, counter: u32) -> Nonce {
    let mut n = [0u8; 12];
    n[0] = dir;
    n[8..].copy_from_slice(&counter.to_be_bytes());
    Nonce::assume_unique_for_key(n)
}

fn aad(counter: u32) -> [u8; 5] {
    let c = counter.to_be_bytes();
    [TYPE_SESSION, c[0], c[1], c[2], c[3]]
}

impl SessionCipher {
    /// The phone's end.
    pub fn phone(secrets: &SessionSecrets) -> Result<Self> {
        Ok(Self {
            send: aes_key(&secrets.phone_to_lock)?,
            recv: aes_key(&secrets.lock_to_phone)?,
            send_dir: DIR_PHONE_TO_LOCK,
            recv_dir: DIR_LOCK_TO_PHONE,
            send_counter: 0,
            recv_counter: 0,
        })
    }

    /// The lock's end.
    pub fn lock(secrets: &SessionSecrets) -> Result<Self> {
        Ok(Self {
            send: aes_key(&secrets.lock_to_phone)?,
            recv: aes_key(&secrets.phone_to_lock)?,
            send_dir: DIR_LOCK_TO_PHONE,
            recv_dir: DIR_PHONE_TO_LOCK,
            send_counter: 0,
            recv_counter: 0,
        })
    }

    /// Seals `plaintext` into a complete SESSION frame.
    pub fn seal(&mut self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let counter = self.send_counter;
        self.send_counter = counter
            .checked_add(1)
            .ok_or(ProtocolError::Crypto("session counter exhausted"))?;
        let mut buf = plaintext.to_vec();
        self.send
            .seal_in_place_append_tag(nonce(self.send_dir, counter), Aad::from(aad(counter)), &mut buf)
            .map_err(|_| ProtocolError::Crypto("AES-GCM seal failed"))?;
        let mut out = Vec::with_capacity(5 + buf.len());
        out.put_u8(TYPE_SESSION);
        out.put_u32(counter);
        out.put(&buf);
        Ok(out)
    }

    /// Opens a complete SESSION frame.
    pub fn open(&mut self, frame: &[u8]) -> Result<Vec<u8>> {
        let mut r = Reader::new("session frame", frame);
        if r.u8("type")? != TYPE_SESSION {
            return Err(r.invalid("type", "not a session frame"));
        }
        let counter = r.u32("counter")?;
        if counter != self.recv_counter {
            return Err(ProtocolError::SessionCounter {
                expected: self.recv_counter,
                got: counter,
            });
        }
        let sealed = r.rest();
        if sealed.len() < 16 {
            return Err(ProtocolError::Truncated {
                what: "session frame",
                field: "tag",
                needed: 16,
                available: sealed.len(),
            });
        }
        let mut buf = sealed.to_vec();
        let plain_len = self
            .recv
            .open_in_place(nonce(self.recv_dir, counter), Aad::from(aad(counter)), &mut buf)
            .map_err(|_| ProtocolError::BadMac { what: "session frame" })?
            .len();
        buf.truncate(plain_len);
        self.recv_counter += 1;
        Ok(buf)
    }
}
