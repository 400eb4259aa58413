//! The one error type of the protocol crate.
//!
//! Every variant names what was wrong, so a log line or a diagnosis can say
//! more than "decode failed". Decoders return these; they never panic.

use thiserror::Error;

/// Why a message could not be decoded, verified or framed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// The input ended before a field was complete.
    #[error("{what} is truncated: field `{field}` needs {needed} bytes, only {available} left")]
    Truncated {
        what: &'static str,
        field: &'static str,
        needed: usize,
        available: usize,
    },
    /// The input continued after the last field: rejected so no two byte
    /// strings decode to the same message.
    #[error("{what} has {extra} unexpected trailing bytes")]
    TrailingBytes { what: &'static str, extra: usize },
    /// A format version this build does not understand.
    #[error("{what} has format version {version}; this build understands {supported}")]
    UnsupportedVersion {
        what: &'static str,
        version: u8,
        supported: u8,
    },
    /// The first byte of a frame is not a known message type.
    #[error("unknown message type 0x{0:02x}")]
    UnknownMessageType(u8),
    /// A field holds a value outside its allowed range.
    #[error("{what}: invalid `{field}`: {reason}")]
    InvalidField {
        what: &'static str,
        field: &'static str,
        reason: &'static str,
    },
    /// A public key is not a valid P-256 point.
    #[error("{what}: not a valid P-256 public key")]
    BadPublicKey { what: &'static str },
    /// An ECDSA signature does not verify under the expected key.
    #[error("{what}: signature does not verify")]
    BadSignature { what: &'static str },
    /// A MAC or AEAD tag does not verify under the expected key.
    #[error("{what}: authentication tag does not verify")]
    BadMac { what: &'static str },
    /// The platform's random generator or a key operation failed.
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),
    /// A message or reassembled frame is bigger than the hard limit.
    #[error("frame of {size} bytes exceeds the {limit}-byte limit")]
    FrameTooLarge { size: usize, limit: usize },
    /// The fragments of a frame did not all arrive in time.
    #[error("frame reassembly timed out after {elapsed_ms} ms (limit {limit_ms} ms)")]
    ReassemblyTimeout { elapsed_ms: u64, limit_ms: u64 },
    /// A fragment arrived with an unexpected index.
    #[error("fragment out of order: expected index {expected}, got {got}")]
    FragmentOutOfOrder { expected: u8, got: u8 },
    /// A continuation fragment arrived with no frame in progress.
    #[error("continuation fragment without a first fragment")]
    UnexpectedContinuation,
    /// The fragments did not add up to the length the first one declared.
    #[error("frame length mismatch: first fragment declared {declared} bytes, received {received}")]
    FrameLengthMismatch { declared: usize, received: usize },
    /// A session frame's counter is not the next one expected.
    #[error("session counter {got} is not the expected {expected} (replayed, dropped or reordered)")]
    SessionCounter { expected: u32, got: u32 },
}

/// Shorthand used across the crate.
pub type Result<T, E = ProtocolError> = std::result::Result<T, E>;
