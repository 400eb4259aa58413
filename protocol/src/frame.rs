//! Top-level frames: the first byte says which message follows.
//!
//! | type | direction | message |
//! | --- | --- | --- |
//! | 0x01 | phone → lock | AUTH ([`crate::AuthRequest`]) |
//! | 0x02 | lock → phone | AUTH_RESULT ([`crate::AuthResult`]) |
//! | 0x03 | phone → lock | FAST ([`crate::FastRequest`]) |
//! | 0x04 | lock → phone | FAST_RESULT ([`crate::FastResult`]) |
//! | 0x05 | both | SESSION (sealed, [`crate::SessionCipher`]) |
//! | 0x06 | phone → lock | GET_CHALLENGE (1 byte) |
//! | 0x07 | lock → phone | CHALLENGE: challenge (8) ‖ epoch (4) ‖ lock id (16) |
//! | 0x08 | lock → phone | ERROR: code (1), for frames the lock could not decode |
//! | 0x09 | phone → lock | CLAIM_HELLO ([`crate::ClaimHello`]) |
//! | 0x0a | lock → phone | CLAIM_OFFER ([`crate::ClaimOffer`]) |
//! | 0x0b | phone → lock | CLAIM_PROOF: phone MAC (16) |
//! | 0x0c | lock → phone | CLAIM_ACCEPTED: code (1) ‖ lock MAC (16) |

use crate::auth::{AuthRequest, AuthResult, TYPE_AUTH, TYPE_AUTH_RESULT};
use crate::claim::{ClaimHello, ClaimOffer, TYPE_CLAIM_ACCEPTED, TYPE_CLAIM_HELLO, TYPE_CLAIM_OFFER, TYPE_CLAIM_PROOF};
use crate::codec::{Reader, Writer};
use crate::error::{ProtocolError, Result};
use crate::fast::{FastRequest, FastResult, TYPE_FAST, TYPE_FAST_RESULT};
use crate::ids::{Challenge, LockId};
use crate::result_code::ResultCode;
use crate::session::TYPE_SESSION;

const TYPE_GET_CHALLENGE: u8 = 0x06;
const TYPE_CHALLENGE: u8 = 0x07;
const TYPE_ERROR: u8 = 0x08;

/// The lock's current challenge and identity, for a phone whose
/// advertisement data is stale or that needs the full epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeInfo {
    /// The challenge to answer.
    pub challenge: Challenge,
    /// The lock's full epoch.
    pub epoch: u32,
    /// The lock's full id.
    pub lock_id: LockId,
}

/// Any frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// First-contact request.
    Auth(AuthRequest),
    /// First-contact answer.
    AuthResult(AuthResult),
    /// Repeat-unlock request.
    Fast(FastRequest),
    /// Repeat-unlock answer.
    FastResult(FastResult),
    /// A sealed session frame (open it with [`crate::SessionCipher::open`]).
    Session(Vec<u8>),
    /// Ask for the current challenge.
    GetChallenge,
    /// The current challenge.
    Challenge(ChallengeInfo),
    /// The lock could not decode a frame.
    Error(ResultCode),
    /// A phone starts claiming an unclaimed lock.
    ClaimHello(ClaimHello),
    /// The lock's answer to a claim.
    ClaimOffer(ClaimOffer),
    /// The phone's proof that it holds the setup secret.
    ClaimProof([u8; 16]),
    /// The lock's verdict on the proof, and its own proof when `ok`.
    ClaimAccepted {
        /// `ok` or `setup_code_wrong`.
        code: ResultCode,
        /// The lock's proof (16 zero bytes when refused).
        mac: [u8; 16],
    },
}

impl Frame {
    /// The frame's kind, as the protocol document names it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Auth(_) => "AUTH",
            Self::AuthResult(_) => "AUTH_RESULT",
            Self::Fast(_) => "FAST",
            Self::FastResult(_) => "FAST_RESULT",
            Self::Session(_) => "SESSION",
            Self::GetChallenge => "GET_CHALLENGE",
            Self::Challenge(_) => "CHALLENGE",
            Self::Error(_) => "ERROR",
            Self::ClaimHello(_) => "CLAIM_HELLO",
            Self::ClaimOffer(_) => "CLAIM_OFFER",
            Self::ClaimProof(_) => "CLAIM_PROOF",
            Self::ClaimAccepted { .. } => "CLAIM_ACCEPTED",
        }
    }

    /// Decodes any frame; never panics, rejects trailing bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let Some(&kind) = bytes.first() else {
            return Err(ProtocolError::Truncated {
                what: "frame",
                field: "type",
                needed: 1,
                available: 0,
            });
        };
        if kind == TYPE_SESSION {
            return Ok(Frame::Session(bytes.to_vec()));
        }
        let what = match kind {
            TYPE_AUTH => "AUTH",
            TYPE_AUTH_RESULT => "AUTH_RESULT",
            TYPE_FAST => "FAST",
            TYPE_FAST_RESULT => "FAST_RESULT",
            TYPE_GET_CHALLENGE => "GET_CHALLENGE",
            TYPE_CHALLENGE => "CHALLENGE",
            TYPE_ERROR => "ERROR",
            TYPE_CLAIM_HELLO => "CLAIM_HELLO",
            TYPE_CLAIM_OFFER => "CLAIM_OFFER",
            TYPE_CLAIM_PROOF => "CLAIM_PROOF",
            TYPE_CLAIM_ACCEPTED => "CLAIM_ACCEPTED",
            other => return Err(ProtocolError::UnknownMessageType(other)),
        };
        let mut r = Reader::new(what, &bytes[1..]);
        let frame = match kind {
            TYPE_AUTH => Frame::Auth(AuthRequest::read(&mut r)?),
            TYPE_AUTH_RESULT => Frame::AuthResult(AuthResult::read(&mut r)?),
            TYPE_FAST => Frame::Fast(FastRequest::read(&mut r)?),
            TYPE_FAST_RESULT => Frame::FastResult(FastResult::read(&mut r)?),
            TYPE_GET_CHALLENGE => Frame::GetChallenge,
            TYPE_CHALLENGE => Frame::Challenge(ChallengeInfo {
                challenge: Challenge(r.array("challenge")?),
                epoch: r.u32("epoch")?,
                lock_id: LockId(r.array("lock_id")?),
            }),
            TYPE_CLAIM_HELLO => Frame::ClaimHello(ClaimHello::read(&mut r)?),
            TYPE_CLAIM_OFFER => Frame::ClaimOffer(ClaimOffer::read(&mut r)?),
            TYPE_CLAIM_PROOF => Frame::ClaimProof(r.array("mac")?),
            TYPE_CLAIM_ACCEPTED => Frame::ClaimAccepted {
                code: read_code(&mut r)?,
                mac: r.array("mac")?,
            },
            _ => Frame::Error(read_code(&mut r)?),
        };
        r.finish()?;
        Ok(frame)
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Frame::Auth(m) => m.encode(),
            Frame::AuthResult(m) => m.encode(),
            Frame::Fast(m) => m.encode(),
            Frame::FastResult(m) => m.encode(),
            Frame::Session(bytes) => bytes.clone(),
            Frame::GetChallenge => vec![TYPE_GET_CHALLENGE],
            Frame::Challenge(info) => {
                let mut out = vec![TYPE_CHALLENGE];
                out.put(&info.challenge.0);
                out.put_u32(info.epoch);
                out.put(&info.lock_id.0);
                out
            }
            Frame::Error(code) => vec![TYPE_ERROR, *code as u8],
            Frame::ClaimHello(m) => m.encode(),
            Frame::ClaimOffer(m) => m.encode(),
            Frame::ClaimProof(mac) => [&[TYPE_CLAIM_PROOF][..], mac].concat(),
            Frame::ClaimAccepted { code, mac } => [&[TYPE_CLAIM_ACCEPTED, *code as u8][..], mac].concat(),
        }
    }
}

fn read_code(r: &mut Reader<'_>) -> Result<ResultCode> {
    let code = r.u8("code")?;
    ResultCode::from_u8(code).ok_or_else(|| r.invalid("code", "unknown result code"))
}
