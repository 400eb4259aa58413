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
        /// The message being decoded.
        what: &'static str,
        /// The field that was cut.
        field: &'static str,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes that were left.
        available: usize,
    },
    /// The input continued after the last field: rejected so no two byte
    /// strings decode to the same message.
    #[error("{what} has {extra} unexpected trailing bytes")]
    TrailingBytes {
        /// The message being decoded.
        what: &'static str,
        /// How many bytes were left over.
        extra: usize,
    },
    /// A format version this build does not understand.
    #[error("{what} has format version {version}; this build understands {supported}")]
    UnsupportedVersion {
        /// The message being decoded.
        what: &'static str,
        /// The version it carries.
        version: u8,
        /// The version this build reads.
        supported: u8,
    },
    /// The first byte of a frame is not a known message type.
    #[error("unknown message type 0x{0:02x}")]
    UnknownMessageType(u8),
    /// A field holds a value outside its allowed range.
    #[error("{what}: invalid `{field}`: {reason}")]
    InvalidField {
        /// The message being decoded.
        what: &'static str,
        /// The field holding the value.
        field: &'static str,
        /// Why the value is not allowed.
        reason: &'static str,
    },
    /// A public key is not a valid P-256 point.
    #[error("{what}: not a valid P-256 public key")]
    BadPublicKey {
        /// Whose key.
        what: &'static str,
    },
    /// An ECDSA signature does not verify under the expected key.
    #[error("{what}: signature does not verify")]
    BadSignature {
        /// What was signed.
        what: &'static str,
    },
    /// A MAC or AEAD tag does not verify under the expected key.
    #[error("{what}: authentication tag does not verify")]
    BadMac {
        /// What was authenticated.
        what: &'static str,
    },
    /// The platform's random generator or a key operation failed.
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),
    /// A message or reassembled frame is bigger than the hard limit.
    #[error("frame of {size} bytes exceeds the {limit}-byte limit")]
    FrameTooLarge {
        /// The frame's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The fragments of a frame did not all arrive in time.
    #[error("frame reassembly timed out after {elapsed_ms} ms (limit {limit_ms} ms)")]
    ReassemblyTimeout {
        /// Since the first fragment.
        elapsed_ms: u64,
        /// The limit.
        limit_ms: u64,
    },
    /// A fragment arrived with an unexpected index.
    #[error("fragment out of order: expected index {expected}, got {got}")]
    FragmentOutOfOrder {
        /// The index due next.
        expected: u8,
        /// The index that came.
        got: u8,
    },
    /// A continuation fragment arrived with no frame in progress.
    #[error("continuation fragment without a first fragment")]
    UnexpectedContinuation,
    /// The fragments did not add up to the length the first one declared.
    #[error("frame length mismatch: first fragment declared {declared} bytes, received {received}")]
    FrameLengthMismatch {
        /// What the first fragment declared.
        declared: usize,
        /// What arrived.
        received: usize,
    },
    /// A session frame's counter is not the next one expected.
    #[error("session counter {got} is not the expected {expected} (replayed, dropped or reordered)")]
    SessionCounter {
        /// The counter due next.
        expected: u32,
        /// The counter that came.
        got: u32,
    },
}

/// Shorthand used across the crate.
pub type Result<T, E = ProtocolError> = std::result::Result<T, E>;
