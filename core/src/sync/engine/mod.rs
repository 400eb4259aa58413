//! The engine's insides: connectivity, the HTTP client's lifetime, the
//! background loop's waits, and (in `pass.rs`) one pass at a time with its
//! backoff. [`Inner`] is the engine's private state: the handle
//! (`handle.rs`, `calls.rs`) uses its methods, and no step sees it.

mod pass;
mod turns;

use super::acks::Reported;
use super::auth::AuthProvider;
use super::backoff::Backoff;
use super::config::{Connectivity, SyncConfig};
use super::error::{Failure, SyncError};
use super::http::{Api, HttpClient};
use super::status::SyncFailure;
use super::timer::SyncTimer;
use super::upload::{Limits, Pace};
use crate::changes::ChangeArea;
use crate::clock::PhoneClock;
use crate::Client;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;
use tokio::sync::Notify;

/// Mutable engine state, held briefly (never across an await).
struct State {
    connectivity: Connectivity,
    /// Dropped when connectivity returns or the network failed, so a
    /// connection kept from a dead network is never reused.
    client: Option<HttpClient>,
    backoff: Backoff,
    /// Timer time before which no pass is attempted.
    not_before: Option<Duration>,
    last_success_at: Option<u32>,
    last_error: Option<SyncFailure>,
    /// Timer time when credentials are next due (`None`: now).
    credentials_due: Option<Duration>,
}

/// What one pass leaves the next; only the pass in progress holds it, so
/// the steps get it as `&mut` for the whole pass.
struct Carried {
    pace: Pace,
    reported: Reported,
}

/// Shared by every handle of one engine.
pub(super) struct Inner {
    /// Weak: the client owns its engine, not the other way round.
    client: Weak<Client>,
    config: SyncConfig,
    base_url: String,
    tls: rustls::ClientConfig,
    auth: Arc<dyn AuthProvider>,
    clock: Arc<dyn PhoneClock>,
    timer: Arc<dyn SyncTimer>,
    online: AtomicBool,
    /// Read live by the upload step: the platform may report mid-pass.
    metered: AtomicBool,
    token: Mutex<Option<String>>,
    state: Mutex<State>,
    /// Held for a whole pass: passes never overlap.
    pass: tokio::sync::Mutex<Carried>,
    wake: Notify,
    /// One background loop at a time; stop and start any number of times.
    loops: turns::LoopControl,
    /// HTTP clients built so far (each drop of the client leads to one more).
    client_builds: AtomicU32,
}

impl Inner {
    /// An engine that starts offline.
    pub(super) fn new(
        client: Weak<Client>,
        config: SyncConfig,
        tls: rustls::ClientConfig,
        auth: Arc<dyn AuthProvider>,
        clock: Arc<dyn PhoneClock>,
        timer: Arc<dyn SyncTimer>,
    ) -> Self {
        let base_url = config.base_url.trim_end_matches('/').to_string();
        let state = State {
            connectivity: Connectivity::OFFLINE,
            client: None,
            backoff: Backoff::new(config.backoff),
            not_before: None,
            last_success_at: None,
            last_error: None,
            credentials_due: None,
        };
        let carried = Carried {
            pace: Pace::new(&upload_limits(&config)),
            reported: Reported::default(),
        };
        if let Some(c) = client.upgrade() {
            c.set_online(false);
        }
        Self {
            client,
            base_url,
            tls,
            auth,
            clock,
            timer,
            online: AtomicBool::new(false),
            metered: AtomicBool::new(false),
            token: Mutex::new(None),
            state: Mutex::new(state),
            pass: tokio::sync::Mutex::new(carried),
            wake: Notify::new(),
            loops: turns::LoopControl::new(),
            client_builds: AtomicU32::new(0),
            config,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // State updates are single assignments: a poisoned lock is usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The client this engine syncs; gone once the app dropped it or it
    /// signed out.
    pub(super) fn client(&self) -> Result<Arc<Client>, Failure> {
        self.client
            .upgrade()
            .filter(|c| !c.is_signed_out())
            .ok_or(Failure::ClientClosed)
    }

    /// Tells the subscriptions that the engine's standing changed.
    pub(super) fn standing_changed(&self) {
        if let Some(client) = self.client.upgrade() {
            client.store().changes().touch(ChangeArea::Sync);
        }
    }

    /// Forgets the backoff: the next pass is attempted at once (a sign-out
    /// uploads what it can, whatever the last failure was).
    pub(super) fn clear_backoff(&self) {
        let mut s = self.state();
        s.backoff.reset();
        s.not_before = None;
    }

    /// Waits until no pass runs; a pass that starts later finds the client
    /// signed out and does nothing.
    pub(super) async fn quiesce(&self) {
        drop(self.pass.lock().await);
    }

    /// The cloud's base URL, without a trailing slash.
    pub(super) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The platform's report. Coming back online resets the backoff and
    /// drops the HTTP client (a fresh one is built for the next request).
    pub(super) fn set_connectivity(&self, connectivity: Connectivity) {
        {
            let mut s = self.state();
            if connectivity.online && !s.connectivity.online {
                s.backoff.reset();
                s.not_before = None;
                s.client = None;
                // Whatever changed while offline (a revocation, say) is
                // fetched on the first pass back.
                s.credentials_due = None;
            }
            s.connectivity = connectivity;
        }
        self.metered.store(connectivity.metered, Ordering::SeqCst);
        self.online.store(connectivity.online, Ordering::SeqCst);
        if let Some(client) = self.client.upgrade() {
            client.set_online(connectivity.online);
        }
        self.standing_changed();
        self.wake.notify_one();
    }

    /// As last reported.
    pub(super) fn connectivity(&self) -> Connectivity {
        self.state().connectivity
    }

    /// How many HTTP clients were built so far.
    #[cfg(test)]
    pub(super) fn client_builds(&self) -> u32 {
        self.client_builds.load(Ordering::Relaxed)
    }

    /// Makes the next pass refresh credentials.
    pub(super) fn credentials_now(&self) {
        self.state().credentials_due = None;
        self.wake.notify_one();
    }

    /// An API handle on the current client (built if needed).
    pub(super) fn api(&self) -> Result<Api<'_>, Failure> {
        let client = {
            let mut s = self.state();
            match &s.client {
                Some(c) => c.clone(),
                None => {
                    let c = HttpClient::new(self.tls.clone(), &self.config.timeouts);
                    self.client_builds.fetch_add(1, Ordering::Relaxed);
                    s.client = Some(c.clone());
                    c
                }
            }
        };
        Ok(Api {
            client,
            base_url: &self.base_url,
            auth: self.auth.as_ref(),
            token: &self.token,
            online: &self.online,
            requests: AtomicU32::new(0),
        })
    }

    /// An API handle for a call made on demand (a host's, the door's):
    /// offline, nothing is attempted.
    pub(super) fn on_demand(&self) -> Result<Api<'_>, SyncError> {
        if !self.online.load(Ordering::SeqCst) {
            return Err(SyncError::Offline);
        }
        self.api().map_err(|f| f.public())
    }

    /// Whether the platform last reported the phone online.
    pub(super) fn is_online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    /// How long the background loop idles after a pass with nothing left.
    pub(super) fn idle_interval(&self) -> Duration {
        self.config.idle_interval
    }

    /// Waits out a backoff on the engine's timer.
    pub(super) async fn sleep(&self, wait: Duration) {
        self.timer.sleep(wait).await;
    }

    /// Wakes the background loop (new events, a change of plan).
    pub(super) fn wake(&self) {
        self.wake.notify_one();
    }

    /// The background loop's wait: `wait` on the timer (`None`: no end),
    /// cut short by [`Inner::wake`].
    pub(super) async fn wait(&self, wait: Option<Duration>) {
        match wait {
            Some(d) if d.is_zero() => {}
            Some(d) => {
                tokio::select! {
                    _ = self.timer.sleep(d) => {}
                    _ = self.wake.notified() => {}
                }
            }
            None => self.wake.notified().await,
        }
    }

    /// Asks the background loop to return after its current pass.
    pub(super) fn stop(&self) {
        self.loops.stop();
        self.wake.notify_one();
    }

    /// The turn to run the background loop (see [`turns::LoopControl`]).
    pub(super) async fn loop_turn(&self) -> Option<turns::LoopTurn<'_>> {
        self.loops.take().await
    }
}

/// The configured bounds of an upload.
fn upload_limits(config: &SyncConfig) -> Limits {
    Limits {
        max_events: config.max_events_per_request,
        max_request_bytes: config.max_request_bytes,
        metered_bytes_per_pass: config.metered_upload_bytes_per_pass,
    }
}
