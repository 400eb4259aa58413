//! Follow-on commands inside a session ([`crate::SessionCipher`] seals
//! them): status, events, lists, time, outcomes, actuation, and the lock's
//! life facts and firmware delivery.
//!
//! Plaintext request: op (1) ‖ body. Plaintext response: op (1) ‖ code (1)
//! ‖ body (present only when the code is `ok`, except `actuate`, which
//! always carries the status, `push PINs`, which always carries the
//! lock's PIN list seq, and the firmware ops, which always say where the
//! lock stands).

use crate::codec::{Reader, Writer};
use crate::error::Result;
use crate::events::EventBatch;
use crate::firmware::{FirmwareManifest, FirmwareVersion, LockInfo, FIRMWARE_CHUNK_MAX};
use crate::ids::CommandId;
use crate::pin::PinList;
use crate::result_code::ResultCode;
use crate::revocation::RevocationList;
use crate::status::{Command, LockStatus};
use crate::time_token::TimeToken;

const OP_STATUS: u8 = 1;
const OP_FETCH_EVENTS: u8 = 2;
const OP_PUSH_REVOCATIONS: u8 = 3;
const OP_SET_TIME: u8 = 4;
const OP_OUTCOME: u8 = 5;
const OP_ACTUATE: u8 = 6;
const OP_PUSH_PINS: u8 = 7;
const OP_INFO: u8 = 8;
const OP_FIRMWARE_BEGIN: u8 = 9;
const OP_FIRMWARE_CHUNK: u8 = 10;
const OP_FIRMWARE_INSTALL: u8 = 11;

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
    /// The lock's life facts (firmware, download, PIN seq, caches).
    Info,
    /// Start (or resume) a firmware download.
    FirmwareBegin(FirmwareManifest),
    /// The next piece of the image.
    FirmwareChunk {
        /// Where it goes: must be where the lock's download stands.
        offset: u32,
        /// 1 to [`FIRMWARE_CHUNK_MAX`] bytes.
        data: Vec<u8>,
    },
    /// Check the whole image and install it.
    FirmwareInstall,
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
            Self::Info => out.put_u8(OP_INFO),
            Self::FirmwareBegin(manifest) => {
                out.put_u8(OP_FIRMWARE_BEGIN);
                out.put(&manifest.encode());
            }
            Self::FirmwareChunk { offset, data } => {
                out.put_u8(OP_FIRMWARE_CHUNK);
                out.put_u32(*offset);
                out.put(data);
            }
            Self::FirmwareInstall => out.put_u8(OP_FIRMWARE_INSTALL),
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
            OP_INFO => Self::Info,
            OP_FIRMWARE_BEGIN => Self::FirmwareBegin(FirmwareManifest::decode(r.rest())?),
            OP_FIRMWARE_CHUNK => {
                let offset = r.u32("offset")?;
                let data = r.rest().to_vec();
                if data.is_empty() || data.len() > FIRMWARE_CHUNK_MAX {
                    return Err(r.invalid("data", "a chunk is 1 to 896 bytes"));
                }
                Self::FirmwareChunk { offset, data }
            }
            OP_FIRMWARE_INSTALL => Self::FirmwareInstall,
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
    /// Answer to [`SessionRequest::Info`].
    Info(ResultCode, Option<LockInfo>),
    /// Answer to [`SessionRequest::FirmwareBegin`]: the offset the lock's
    /// download holds and the image's size (0, 0 when refused).
    FirmwareBegun(ResultCode, u32, u32),
    /// Answer to [`SessionRequest::FirmwareChunk`]: the same, after it.
    FirmwareChunk(ResultCode, u32, u32),
    /// Answer to [`SessionRequest::FirmwareInstall`]: the version running
    /// after (the old one when refused).
    FirmwareInstalled(ResultCode, FirmwareVersion),
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
            | Self::Pins(c, _)
            | Self::Info(c, _)
            | Self::FirmwareBegun(c, ..)
            | Self::FirmwareChunk(c, ..)
            | Self::FirmwareInstalled(c, _) => *c,
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
            Self::Info(c, _) => (OP_INFO, c),
            Self::FirmwareBegun(c, ..) => (OP_FIRMWARE_BEGIN, c),
            Self::FirmwareChunk(c, ..) => (OP_FIRMWARE_CHUNK, c),
            Self::FirmwareInstalled(c, _) => (OP_FIRMWARE_INSTALL, c),
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
            Self::Info(_, Some(info)) => info.write(&mut out),
            Self::FirmwareBegun(_, offset, size) | Self::FirmwareChunk(_, offset, size) => {
                out.put_u32(*offset);
                out.put_u32(*size);
            }
            Self::FirmwareInstalled(_, version) => out.put_u32(version.0),
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
            OP_INFO => Self::Info(code, has_body.then(|| LockInfo::read(&mut r)).transpose()?),
            OP_FIRMWARE_BEGIN => Self::FirmwareBegun(code, r.u32("offset")?, r.u32("size")?),
            OP_FIRMWARE_CHUNK => Self::FirmwareChunk(code, r.u32("offset")?, r.u32("size")?),
            OP_FIRMWARE_INSTALL => Self::FirmwareInstalled(code, FirmwareVersion(r.u32("version")?)),
            _ => return Err(r.invalid("op", "unknown session operation")),
        };
        r.finish()?;
        Ok(resp)
    }
}
