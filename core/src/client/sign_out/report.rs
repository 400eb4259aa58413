//! What a sign-out tells the app: what it uploaded first, and what is
//! gone with the account's data without having reached the cloud.

use crate::sync::SyncError;

/// How the upload before a sign-out went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOutUpload {
    /// Every waiting event reached the cloud (or none was waiting).
    Completed,
    /// The client has no cloud: nothing could be uploaded.
    NoCloud,
    /// The phone was offline: nothing was attempted.
    Offline,
    /// The upload stopped at this error (what went up before it is
    /// counted in [`SignOutReport::uploaded`]).
    Failed(SyncError),
}

/// What [`crate::Client::sign_out`] did. Everything the account had on
/// this phone is gone either way; this says what the cloud never got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOutReport {
    /// How the upload before the wipe went.
    pub upload: SignOutUpload,
    /// Events uploaded during the sign-out.
    pub uploaded: u64,
    /// Access events (entries, refusals at the door) that were still
    /// waiting and are gone from this phone (each lock keeps its own copy
    /// of its log for as long as its memory holds it).
    pub not_uploaded_access: u64,
    /// The phone's own diagnostic events that were still waiting.
    pub not_uploaded_diagnostic: u64,
    /// When the oldest of them was queued (unix milliseconds).
    pub oldest_not_uploaded_at_ms: Option<u64>,
    /// Events the cloud had refused for good (dead letters), gone too.
    pub dead_letters: u64,
    /// What could not be removed, one sentence each (a platform key the
    /// platform refused to delete); empty when everything is gone.
    pub left_behind: Vec<String>,
}

impl SignOutReport {
    /// Whether events that never reached the cloud were deleted.
    pub fn lost_events(&self) -> bool {
        self.not_uploaded_access + self.not_uploaded_diagnostic + self.dead_letters > 0
    }
}
