//! Follow-on commands inside an authenticated connection, sealed with
//! AES-128-GCM under per-direction keys and counters.
//!
//! SESSION frame: type 0x05 ‖ counter (4) ‖ ciphertext ‖ tag (16). The nonce
//! is `direction (1) ‖ 0 (7) ‖ counter (4)` and the associated data is the
//! type byte and counter. Each side expects exactly the next counter: a
//! replayed, dropped or reordered frame ends the session.
//!
//! Plaintext request: op (1) ‖ body. Plaintext response: op (1) ‖ code (1)
//! ‖ body (present only when the code is `ok`, except `actuate`, which
//! always carries the status, and `push PINs`, which always carries the
//! lock's PIN list seq).

use crate::auth::SessionSecrets;
use crate::codec::{Reader, Writer};
use crate::error::{ProtocolError, Result};
use crate::events::EventBatch;
use crate::ids::CommandId;
use crate::pin::PinList;
use crate::result_code::ResultCode;
use crate::revocation::RevocationList;
use crate::status::{Command, LockStatus};
use crate::time_token::TimeToken;
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

const OP_STATUS: u8 = 1;
const OP_FETCH_EVENTS: u8 = 2;
const OP_PUSH_REVOCATIONS: u8 = 3;
const OP_SET_TIME: u8 = 4;
const OP_OUTCOME: u8 = 5;
const OP_ACTUATE: u8 = 6;
const OP_PUSH_PINS: u8 = 7;

/// A follow-on command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionRequest {
    /// Report the full status.
    Status,
    /// Events with seq greater than `after_seq`, at most `max`.
    FetchEvents {
        /// The last seq the phone already holds (0: none).
        after_seq: u32,
        /// At most this many (capped at [`EventBatch::MAX_EVENTS`]).
        max: u8,
    },
    /// Install a newer revocation list.
    PushRevocations(RevocationList),
    /// Set the clock from a trusted-time token.
    SetTime(TimeToken),
    /// The stored outcome of a command id (after a lost connection).
    Outcome(CommandId),
    /// Another actuation in the same connection.
    Actuate {
        /// What to do.
        command: Command,
        /// Idempotency id.
        command_id: CommandId,
    },
    /// Install a newer keypad PIN list.
    PushPins(PinList),
}

impl SessionRequest {
    /// The plaintext encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Self::Status => out.put_u8(OP_STATUS),
            Self::FetchEvents { after_seq, max } => {
                out.put_u8(OP_FETCH_EVENTS);
                out.put_u32(*after_seq);
                out.put_u8(*max);
            }
            Self::PushRevocations(list) => {
                out.put_u8(OP_PUSH_REVOCATIONS);
                out.put(&list.encode());
            }
            Self::SetTime(token) => {
                out.put_u8(OP_SET_TIME);
                out.put(&token.encode());
            }
            Self::Outcome(id) => {
                out.put_u8(OP_OUTCOME);
                out.put(&id.0);
            }
            Self::Actuate { command, command_id } => {
                out.put_u8(OP_ACTUATE);
                out.put_u8(*command as u8);
                out.put(&command_id.0);
            }
            Self::PushPins(list) => {
                out.put_u8(OP_PUSH_PINS);
                out.put(&list.encode());
            }
        }
        out
    }

    /// Decodes a plaintext request.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("session request", bytes);
        let req = match r.u8("op")? {
            OP_STATUS => Self::Status,
            OP_FETCH_EVENTS => Self::FetchEvents {
                after_seq: r.u32("after_seq")?,
                max: r.u8("max")?,
            },
            OP_PUSH_REVOCATIONS => Self::PushRevocations(RevocationList::decode(r.rest())?),
            OP_SET_TIME => Self::SetTime(TimeToken::decode(r.rest())?),
            OP_OUTCOME => Self::Outcome(CommandId(r.array("command_id")?)),
            OP_ACTUATE => Self::Actuate {
                command: Command::from_u8(r.u8("command")?).ok_or_else(|| r.invalid("command", "unknown command"))?,
                command_id: CommandId(r.array("command_id")?),
            },
            OP_PUSH_PINS => Self::PushPins(PinList::decode(r.rest())?),
            _ => return Err(r.invalid("op", "unknown session operation")),
        };
        r.finish()?;
        Ok(req)
    }
}

/// The lock's answer to a follow-on command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionResponse {
    /// Answer to [`SessionRequest::Status`].
    Status(ResultCode, Option<LockStatus>),
    /// Answer to [`SessionRequest::FetchEvents`].
    Events(ResultCode, Option<EventBatch>),
    /// Answer to [`SessionRequest::PushRevocations`]: the lock's seq after.
    Revocations(ResultCode, Option<u32>),
    /// Answer to [`SessionRequest::SetTime`]: the lock's clock after.
    Time(ResultCode, Option<u32>),
    /// Answer to [`SessionRequest::Outcome`]: the command and its result
    /// when the lock knows the id (`outcome_unknown` otherwise).
    Outcome(ResultCode, Option<(Command, ResultCode)>),
    /// Answer to [`SessionRequest::Actuate`], with the status after.
    Actuated(ResultCode, LockStatus),
    /// Answer to [`SessionRequest::PushPins`], with the seq of the PIN list
    /// the lock holds after (whatever the code: 0 when it holds none), so
    /// one push always tells the phone where the lock stands.
    Pins(ResultCode, u32),
}

impl SessionResponse {
    /// The result code.
    pub fn code(&self) -> ResultCode {
        match self {
            Self::Status(c, _)
            | Self::Events(c, _)
            | Self::Revocations(c, _)
            | Self::Time(c, _)
            | Self::Outcome(c, _)
            | Self::Actuated(c, _)
            | Self::Pins(c, _) => *c,
        }
    }

    /// The plaintext encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let (op, code) = match self {
            Self::Status(c, _) => (OP_STATUS, c),
            Self::Events(c, _) => (OP_FETCH_EVENTS, c),
            Self::Revocations(c, _) => (OP_PUSH_REVOCATIONS, c),
            Self::Time(c, _) => (OP_SET_TIME, c),
            Self::Outcome(c, _) => (OP_OUTCOME, c),
            Self::Actuated(c, _) => (OP_ACTUATE, c),
            Self::Pins(c, _) => (OP_PUSH_PINS, c),
        };
        out.put_u8(op);
        out.put_u8(*code as u8);
        match self {
            Self::Status(_, Some(s)) | Self::Actuated(_, s) => s.write(&mut out),
            Self::Events(_, Some(b)) => out.put(&b.encode()),
            Self::Revocations(_, Some(v)) | Self::Time(_, Some(v)) | Self::Pins(_, v) => out.put_u32(*v),
            Self::Outcome(_, Some((cmd, res))) => {
                out.put_u8(*cmd as u8);
                out.put_u8(*res as u8);
            }
            _ => {}
        }
        out
    }

    /// Decodes a plaintext response.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("session response", bytes);
        let op = r.u8("op")?;
        let code = ResultCode::from_u8(r.u8("code")?).ok_or_else(|| r.invalid("code", "unknown result code"))?;
        let has_body = code.is_ok();
        let resp = match op {
            OP_STATUS => Self::Status(code, has_body.then(|| LockStatus::read(&mut r)).transpose()?),
            OP_FETCH_EVENTS => Self::Events(code, has_body.then(|| EventBatch::read(&mut r)).transpose()?),
            OP_PUSH_REVOCATIONS => Self::Revocations(code, has_body.then(|| r.u32("revocation_seq")).transpose()?),
            OP_SET_TIME => Self::Time(code, has_body.then(|| r.u32("lock_time")).transpose()?),
            OP_OUTCOME => {
                let body = if has_body {
                    let cmd =
                        Command::from_u8(r.u8("command")?).ok_or_else(|| r.invalid("command", "unknown command"))?;
                    let res = ResultCode::from_u8(r.u8("result")?)
                        .ok_or_else(|| r.invalid("result", "unknown result code"))?;
                    Some((cmd, res))
                } else {
                    None
                };
                Self::Outcome(code, body)
            }
            OP_ACTUATE => Self::Actuated(code, LockStatus::read(&mut r)?),
            OP_PUSH_PINS => Self::Pins(code, r.u32("pin_seq")?),
            _ => return Err(r.invalid("op", "unknown session operation")),
        };
        r.finish()?;
        Ok(resp)
    }
}
