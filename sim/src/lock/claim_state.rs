//! What a claim in progress holds in the connection: the offer's keys, then
//! the setup session and the setup gathered so far (committed only at
//! `finish`, see `setup_ops.rs`).

use latchkey_protocol::{ClaimKeys, Configure, PinList, RevocationList, SessionCipher};

/// A claim in progress in this connection.
pub(crate) enum ClaimState {
    /// An offer was made; the phone's proof is due.
    Offered(Box<ClaimKeys>),
    /// The proof verified: the setup session is open.
    Setup(Box<SetupSession>),
}

/// The setup session: its cipher, when it opened, and the setup so far.
pub(crate) struct SetupSession {
    pub(crate) cipher: SessionCipher,
    pub(crate) opened_ms: u64,
    pub(crate) pending: PendingSetup,
}

/// What the setup session has gathered, not yet committed.
#[derive(Default)]
pub(crate) struct PendingSetup {
    pub(crate) configure: Option<Configure>,
    /// The clock the lock will have (set at `configure`), and when.
    pub(crate) time: Option<(u32, u64)>,
    pub(crate) revocations: Option<RevocationList>,
    pub(crate) pins: Option<PinList>,
}
