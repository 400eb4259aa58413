//! Commands (unlock, lock, status) and what the phone knows about each
//! lock. Every command is a suspend function / async call that reports its
//! steps to an optional [`ProgressListener`].

use crate::cancel::{unless_cancelled, CancelToken};
use crate::errors::{CommandError, CredentialError};
use crate::platform::progress::ProgressListener;
use crate::platform::ProgressBridge;
use crate::records::{CommandReport, LockInfo};
use crate::runtime::blocking;
use crate::session::Session;
use latchkey_protocol::{Command, LockId};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Locks: `client.locks()`.
#[derive(uniffi::Object)]
pub struct LocksClient {
    session: Session,
}

impl LocksClient {
    pub(crate) fn new(session: Session) -> Self {
        Self { session }
    }

    /// The client and runtime this sub-client works with.
    pub(crate) fn session(&self) -> &Session {
        &self.session
    }

    /// One command. Boxed: each command's export then holds a pointer,
    /// not the command's whole state machine (smaller wrappers).
    fn run(
        &self,
        lock_id: String,
        command: Command,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Pin<Box<dyn Future<Output = Result<CommandReport, CommandError>> + Send + '_>> {
        Box::pin(self.run_inline(lock_id, command, listener, cancel))
    }

    async fn run_inline(
        &self,
        lock_id: String,
        command: Command,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        let id = LockId::from_hex(&lock_id).ok_or_else(|| CommandError::bad_lock_id(&lock_id))?;
        let client = self.session.client::<CommandError>()?;
        let bridge = ProgressBridge::new(listener);
        // latchkey-core logs the command, remembers its outcome for
        // diagnostics and wakes the sync loop.
        let outcome = unless_cancelled(cancel.as_deref(), client.locks().run_command(id, command, &bridge)).await;
        bridge.flush().await;
        match outcome {
            Some(outcome) => outcome.map(Into::into).map_err(Into::into),
            None => {
                latchkey_core::log_line!(Info, target: "latchkey::command", "{} {id} cancelled", command.name());
                Err(CommandError::Cancelled)
            }
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl LocksClient {
    /// Unlocks the lock (hex id), online or not. Cancelling the call (the
    /// Kotlin coroutine, or `cancel`: Swift's task-aware calls use it)
    /// drops the command: the lock acts at most once, the store stays
    /// intact.
    #[uniffi::method(default(cancel = None))]
    pub async fn unlock(
        &self,
        lock_id: String,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        self.run(lock_id, Command::Unlock, listener, cancel).await
    }

    /// Locks the lock.
    #[uniffi::method(default(cancel = None))]
    pub async fn lock(
        &self,
        lock_id: String,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        self.run(lock_id, Command::Lock, listener, cancel).await
    }

    /// Unlocks and pulls the latch, so the door swings open. A service
    /// key may not (the lock's rule, checked on the phone first): that
    /// is `Refused` with `ROLE_NOT_ALLOWED`, before any radio use.
    #[uniffi::method(default(cancel = None))]
    pub async fn unlatch(
        &self,
        lock_id: String,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        self.run(lock_id, Command::Unlatch, listener, cancel).await
    }

    /// Reads the lock's status without moving the bolt (also delivers
    /// revocations and time, and collects its events).
    #[uniffi::method(default(cancel = None))]
    pub async fn status(
        &self,
        lock_id: String,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        self.run(lock_id, Command::Status, listener, cancel).await
    }

    /// Every known lock with what the phone last learned about it.
    pub async fn list(&self) -> Result<Vec<LockInfo>, CredentialError> {
        let store = self.session.client::<CredentialError>()?.store().clone();
        blocking(move || {
            let mut out = Vec::new();
            for meta in store.locks().list_meta()? {
                let state = store.locks().state(&meta.lock_id)?;
                out.push(LockInfo::new(&meta, &state));
            }
            Ok::<_, CredentialError>(out)
        })
        .await
    }
}
