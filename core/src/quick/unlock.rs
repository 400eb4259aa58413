//! [`QuickUnlock`]: opening a lock from a second process (an iOS widget,
//! control or App Intent, a watch app, an Android tile) without building
//! the full client: no store, no outbox, no sync engine. It reads the
//! lock's quick-access file, reserves the FAST counter in it, runs the
//! same command steps as the client (`crate::command`) and records what
//! the command produced in its journal for the app to take in.

use super::credentials::QuickCredentials;
use super::error::QuickError;
use super::guard::LockGuard;
use super::holder::StoredHolder;
use super::journal::{JournalRecord, JournalWriter};
use super::layout::QuickDir;
use super::{credentials, key};
use crate::clock::{PhoneClock, SystemClock};
use crate::command::failure::{attempt_failure_events, failure_event, offline_unlock_failure, refusal, report_failure};
use crate::command::{exchange, plan, CommandReport, FastChange, Finished, Prepared, Request};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::platform_keys::{KeyStore, Signer};
use crate::runtime::blocking;
use crate::store::seal::Sealer;
use crate::store::FastKeyEntry;
use crate::transport::Transport;
use crate::unlock::{CommandPolicy, Executed, ProgressListener};
use latchkey_protocol::{Command, CommandId, LockId, ResultCode};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Opens locks from a process other than the app's, through the
/// quick-access directory the app's client keeps
/// ([`crate::ClientBuilder::quick_access`]). Cheap to make; the first
/// command reads the quick key (through the platform key store) and each
/// command reads only its lock's file. Built with [`QuickUnlock::builder`].
///
/// ```no_run
/// # async fn example(
/// #     key_store: std::sync::Arc<dyn latchkey_core::platform_keys::KeyStore>,
/// #     transport: std::sync::Arc<dyn latchkey_core::transport::Transport>,
/// #     lock_id: latchkey_protocol::LockId,
/// # ) -> Result<(), latchkey_core::LatchkeyError> {
/// let quick = latchkey_core::QuickUnlock::builder("/group/latchkey-quick", key_store, transport).build();
/// let report = quick.unlock(lock_id, false, &latchkey_core::unlock::NoProgress).await?;
/// # Ok(()) }
/// ```
pub struct QuickUnlock {
    inner: Arc<Inner>,
}

/// Builds a [`QuickUnlock`].
pub struct QuickUnlockBuilder {
    inner: Inner,
}

struct Inner {
    dir: QuickDir,
    key_store: Arc<dyn KeyStore>,
    transport: Arc<dyn Transport>,
    signer: Option<Arc<dyn Signer>>,
    clock: Arc<dyn PhoneClock>,
    policy: CommandPolicy,
    patience: Duration,
    opened: Mutex<Opened>,
}

/// What the first command opens, kept for the next ones.
#[derive(Default)]
struct Opened {
    sealer: Option<Arc<Sealer>>,
}

impl QuickUnlock {
    /// Quick access in `dir` (the directory the app's client was given),
    /// the quick key unwrapped by `key_store` (the app's platform key
    /// store, shared with this process), locks reached over `transport`.
    pub fn builder(
        dir: impl Into<PathBuf>,
        key_store: Arc<dyn KeyStore>,
        transport: Arc<dyn Transport>,
    ) -> QuickUnlockBuilder {
        QuickUnlockBuilder {
            inner: Inner {
                dir: QuickDir::new(dir.into()),
                key_store,
                transport,
                signer: None,
                clock: Arc::new(SystemClock),
                policy: CommandPolicy::default(),
                patience: Duration::from_secs(10),
                opened: Mutex::default(),
            },
        }
    }

    /// Unlocks the lock. `online`: whether the platform reports the phone
    /// online (offline, only offline-allowed keys are used).
    pub async fn unlock(
        &self,
        lock_id: LockId,
        online: bool,
        listener: &dyn ProgressListener,
    ) -> Result<CommandReport, LatchkeyError> {
        self.run_command(lock_id, Command::Unlock, online, listener).await
    }

    /// Runs one command, as the client's `locks().run_command` does, with
    /// the same refusals, progress steps and diagnosis codes.
    pub async fn run_command(
        &self,
        lock_id: LockId,
        command: Command,
        online: bool,
        listener: &dyn ProgressListener,
    ) -> Result<CommandReport, LatchkeyError> {
        let started_at = self.inner.clock.now_unix();
        let inner = self.inner.clone();
        let prepared = blocking(move || inner.prepare(lock_id, command, started_at, online)).await;
        let (guard, creds, prepared) = match prepared {
            Ok(p) => p,
            Err(e) => {
                let inner = self.inner.clone();
                let failure = e.clone();
                let _ = blocking(move || inner.record_refusal(lock_id, command, online, &failure, started_at)).await;
                report_failure(listener, &e);
                return Err(e);
            }
        };
        let signer = self.inner.signer_for(&creds);
        let transport = self.inner.transport.as_ref();
        let policy = &self.inner.policy;
        let request = Request {
            prepared: &prepared,
            command,
            command_id: CommandId::random().map_err(LatchkeyError::crypto)?,
            firmware: None,
            started_at,
        };
        let result = exchange(transport, signer, request, policy, listener)
            .await
            .map_err(LatchkeyError::from);
        let finished_at = self.inner.clock.now_unix();
        let inner = self.inner.clone();
        let outcome = match result {
            Ok(executed) => {
                let earlier = executed.earlier_delivery.clone().filter(|_| command.actuates());
                let times = (started_at, finished_at);
                blocking(move || inner.record(guard, creds, &prepared, command, &executed, times))
                    .await
                    .and_then(|report| report.map_err(|code| refusal(code, earlier)))
            }
            Err(e) => {
                let failure = e.clone();
                let times = (started_at, finished_at);
                let _ = blocking(move || inner.record_failure(guard, &prepared, command, &failure, times)).await;
                Err(e)
            }
        };
        if let Err(e) = &outcome {
            log::warn!(target: "latchkey::quick", "{} {lock_id} failed ({}): {e}", command.name(), e.diagnosis());
            report_failure(listener, e);
        }
        outcome
    }
}

impl QuickUnlockBuilder {
    /// The holder key's platform signer (StrongBox, the Secure Enclave,
    /// shared with this process). Without it, the software key the app
    /// shared (apps without a platform signer) signs; with neither, only a
    /// FAST can work.
    pub fn signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.inner.signer = Some(signer);
        self
    }

    /// The phone's clock (default: the system's).
    pub fn clock(mut self, clock: Arc<dyn PhoneClock>) -> Self {
        self.inner.clock = clock;
        self
    }

    /// Timeouts and retries (default [`CommandPolicy::default`]).
    pub fn command_policy(mut self, policy: CommandPolicy) -> Self {
        self.inner.policy = policy;
        self
    }

    /// How long to wait while the app or another quick process talks to
    /// the same lock (default 10 s).
    pub fn patience(mut self, patience: Duration) -> Self {
        self.inner.patience = patience;
        self
    }

    /// The [`QuickUnlock`].
    pub fn build(self) -> QuickUnlock {
        QuickUnlock {
            inner: Arc::new(self.inner),
        }
    }
}

type Planned = (LockGuard, QuickCredentials, Prepared);

impl Inner {
    fn opened(&self) -> MutexGuard<'_, Opened> {
        self.opened.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The quick key's sealer, unwrapped on first use.
    fn sealer(&self) -> Result<Arc<Sealer>, QuickError> {
        if let Some(sealer) = &self.opened().sealer {
            return Ok(sealer.clone());
        }
        let sealer = Arc::new(key::open(&self.dir, self.key_store.as_ref())?.ok_or(QuickError::NotShared)?);
        self.opened().sealer = Some(sealer.clone());
        Ok(sealer)
    }

    fn signer_for(&self, creds: &QuickCredentials) -> Option<Arc<dyn Signer>> {
        match (&self.signer, self.opened().sealer.clone()) {
            (Some(signer), _) => Some(signer.clone()),
            (None, Some(sealer)) => Some(Arc::new(StoredHolder::new(self.dir.clone(), sealer, creds.holder))),
            (None, None) => None,
        }
    }

    /// Takes the lock's guard, reads its file, plans, and reserves the
    /// FAST counter in the file (flushed) before any request exists.
    fn prepare(&self, lock_id: LockId, command: Command, now: u32, online: bool) -> Result<Planned, LatchkeyError> {
        let sealer = self.sealer()?;
        let guard = LockGuard::acquire(&self.dir, &sealer, lock_id, self.patience)?;
        let mut creds = credentials::read(&self.dir, &sealer, &lock_id)?.ok_or(QuickError::NotShared)?;
        if let Some(signer) = &self.signer {
            if signer.public_key() != creds.holder {
                return Err(LatchkeyError::PhoneKey {
                    detail: "the signer given to quick access is not the holder key the app's keys are issued to"
                        .into(),
                });
            }
        }
        let prepared = plan(&creds.snapshot, creds.holder, command, now, online)?;
        let key_id = prepared.key.key.key_id();
        let Some(mut entry) = creds.fast_entry(&key_id).cloned() else {
            return Ok((guard, creds, prepared));
        };
        let counter = entry.next_counter;
        let Some(next) = counter.checked_add(1) else {
            return Ok((guard, creds, prepared)); // exhausted: AUTH starts a new key
        };
        entry.next_counter = next;
        let fast_key = entry.key.clone();
        creds.set_fast_entry(entry);
        credentials::write(&self.dir, &sealer, &creds)?;
        Ok((guard, creds, prepared.with_fast(fast_key, counter)))
    }

    /// Writes `record` to a journal file of its own, flushed, and lets
    /// the file go: between commands this process holds no file lock (iOS
    /// ends a suspended process that holds one in a shared container), and
    /// a file no one holds is finished, for the app to take in and delete.
    fn journal(&self, record: &JournalRecord) -> Result<(), QuickError> {
        let sealer = self.sealer()?;
        JournalWriter::create(&self.dir)?.append(&sealer, record)
    }

    /// Journals the events of a command the lock answered, then updates
    /// the lock's file (state, fast key), still under the guard.
    fn record(
        &self,
        guard: LockGuard,
        mut creds: QuickCredentials,
        prepared: &Prepared,
        command: Command,
        executed: &Executed,
        (started_at, finished_at): (u32, u32),
    ) -> Result<Result<CommandReport, ResultCode>, LatchkeyError> {
        let finished = Finished {
            prepared,
            command,
            executed,
            started_at,
            finished_at,
        };
        let lock_id = prepared.meta.lock_id;
        let key_id = prepared.key.key.key_id();
        let mut record = JournalRecord::new(lock_id)?;
        record.events = finished.events();
        let mut state = creds.snapshot.state.clone();
        finished.apply(&mut state, true);
        record.state = Some(state);
        record.pin_ack = finished.pin_ack();
        match finished.fast_change() {
            FastChange::New(fast_key) => {
                let old = creds.fast_entry(&key_id);
                let entry = FastKeyEntry {
                    lock_id,
                    key_id,
                    key: fast_key,
                    next_counter: old.map_or(1, |o| o.next_counter.max(1)),
                    generation: old.map_or(0, |o| o.generation.saturating_add(1)),
                };
                record.fast = Some(entry.clone());
                creds.set_fast_entry(entry);
            }
            FastChange::Forget => creds.forget_fast_entry(&key_id),
            FastChange::Keep => {}
        }
        // Journal first: the file's cursor moves only past events that are
        // on disk (a crash in between collects them again, and the app
        // takes each in once).
        let not_queued = self.journal(&record).err().map(|e| e.to_string());
        let mut state = creds.snapshot.state.clone();
        finished.apply(&mut state, not_queued.is_none());
        creds.snapshot.state = state;
        let sealer = self.sealer()?;
        credentials::write(&self.dir, &sealer, &creds)?;
        drop(guard);
        Ok(finished.report(not_queued))
    }

    /// Journals a command that reached the radio and failed.
    fn record_failure(
        &self,
        guard: LockGuard,
        prepared: &Prepared,
        command: Command,
        error: &LatchkeyError,
        (started_at, finished_at): (u32, u32),
    ) -> Result<(), LatchkeyError> {
        let lock_id = prepared.meta.lock_id;
        let mut record = JournalRecord::new(lock_id)?;
        record.events = attempt_failure_events(prepared, command, error, started_at, finished_at);
        if command == Command::Unlock && !prepared.online {
            record.state = Some(crate::store::LockState {
                last_offline_unlock: Some(offline_unlock_failure(error, finished_at)),
                ..Default::default()
            });
        }
        self.journal(&record)?;
        drop(guard);
        Ok(())
    }

    /// Journals a refusal before the radio (when the quick key can be read).
    fn record_refusal(
        &self,
        lock_id: LockId,
        command: Command,
        online: bool,
        error: &LatchkeyError,
        at: u32,
    ) -> Result<(), LatchkeyError> {
        let mut record = JournalRecord::new(lock_id)?;
        record.events = vec![failure_event(Some(lock_id), error, at)];
        if command == Command::Unlock && !online && error.diagnosis() != DiagnosisCode::UnknownLock {
            record.state = Some(crate::store::LockState {
                last_offline_unlock: Some(offline_unlock_failure(error, at)),
                ..Default::default()
            });
        }
        Ok(self.journal(&record)?)
    }
}
