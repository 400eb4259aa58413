//! What a setup installs, and why one did not commit.

use crate::transport::TransportError;
use latchkey_protocol::{Configure, PinList, ResultCode, RevocationList, SetupCode};

/// What to install, and the label that proves the right to.
#[derive(Debug, Clone)]
pub(crate) struct SetupPlan {
    pub(crate) code: SetupCode,
    pub(crate) configure: Configure,
    pub(crate) revocations: Option<RevocationList>,
    pub(crate) pins: Option<PinList>,
}

/// Why a claim did not commit.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SetupError {
    #[error("{error}")]
    Lost { error: TransportError, committing: bool },
    #[error("the lock refused: {0}")]
    Refused(ResultCode),
    #[error("the lock already has an owner")]
    AlreadyClaimed { same_issuer: bool },
    #[error("the lock held revocation list {floor} before its reset; this phone has {held}")]
    NeedsNewerList { floor: u32, held: u32 },
    #[error("{0}")]
    Answer(String),
    #[error("the phone's cryptography failed: {0}")]
    Crypto(String),
}
