//! Chaos switches: what to inject into phone requests (`/v1/…`)
//! ([`ChaosConfig`]), what was injected ([`ChaosStats`]), and the switch
//! board [`Chaos`] the cloud state holds: a seeded generator, so a test
//! run is reproducible (with one request in flight, the same seed gives the
//! same faults in the same order).
//!
//! Per request, at most one of: 401 `token_expired`; 503; 429 with
//! Retry-After; commit, then drop the connection before answering; commit,
//! then send half the answer and stall. Independently, a slow answer.
//!
//! Apart from the random faults, a standing refusal
//! ([`CloudServer::refuse`](super::CloudServer::refuse)): requests to one
//! route, or only those whose body contains a marker, answered with a
//! chosen status and code until it is lifted; for the rules a phone applies
//! to a refused upload.
//!
//! Only the settings and the draws live here, below the cloud's state and
//! config; chaos_layer.rs applies them to requests.

use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

/// Fault probabilities (0.0–1.0) and their parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChaosConfig {
    /// Seed of the fault generator.
    pub seed: u64,
    /// Answer 401 `token_expired` before doing anything.
    pub unauthorized: f64,
    /// Answer 503 before doing anything.
    pub unavailable: f64,
    /// Answer 429 with `Retry-After: retry_after_s` before doing anything.
    pub rate_limited: f64,
    /// The Retry-After of chaos 429s, seconds.
    pub retry_after_s: u64,
    /// The Retry-After of chaos 503s, seconds (none: a 503 without one).
    pub unavailable_retry_after_s: Option<u64>,
    /// Do the work (commit), then drop the connection before answering.
    pub drop_after_commit: f64,
    /// Do the work, send half the answer, stall `stall_ms`, then drop.
    pub stall_mid_body: f64,
    /// How long a stalled answer hangs.
    pub stall_ms: u64,
    /// Wait `slow_ms` before handling the request.
    pub slow: f64,
    /// How slow a slow answer is.
    pub slow_ms: u64,
}

impl Default for ChaosConfig {
    /// No faults.
    fn default() -> Self {
        Self {
            seed: 1,
            unauthorized: 0.0,
            unavailable: 0.0,
            rate_limited: 0.0,
            retry_after_s: 1,
            unavailable_retry_after_s: None,
            drop_after_commit: 0.0,
            stall_mid_body: 0.0,
            stall_ms: 5_000,
            slow: 0.0,
            slow_ms: 200,
        }
    }
}

/// Longest stall or delay `PUT /admin/chaos` accepts: a switch left on
/// by mistake slows requests down, it never hangs them.
const MAX_CHAOS_DELAY_MS: u64 = 60_000;
/// Longest Retry-After `PUT /admin/chaos` accepts (a day).
const MAX_CHAOS_RETRY_AFTER_S: u64 = 86_400;

impl ChaosConfig {
    /// What `PUT /admin/chaos` accepts: probabilities from 0 to 1, delays
    /// up to a minute, Retry-After up to a day (docs/openapi.json).
    pub fn check(&self) -> Result<(), String> {
        let probabilities = [
            ("unauthorized", self.unauthorized),
            ("unavailable", self.unavailable),
            ("rate_limited", self.rate_limited),
            ("drop_after_commit", self.drop_after_commit),
            ("stall_mid_body", self.stall_mid_body),
            ("slow", self.slow),
        ];
        if let Some((name, _)) = probabilities.iter().find(|(_, p)| !(0.0..=1.0).contains(p)) {
            return Err(format!("`{name}` is a probability from 0 to 1"));
        }
        if self.stall_ms > MAX_CHAOS_DELAY_MS || self.slow_ms > MAX_CHAOS_DELAY_MS {
            return Err(format!("`stall_ms` and `slow_ms` are at most {MAX_CHAOS_DELAY_MS}"));
        }
        let retry = self.unavailable_retry_after_s.unwrap_or(0).max(self.retry_after_s);
        if retry > MAX_CHAOS_RETRY_AFTER_S {
            return Err(format!("a Retry-After is at most {MAX_CHAOS_RETRY_AFTER_S} s"));
        }
        Ok(())
    }
}

/// How many faults were injected since the config was last set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChaosStats {
    /// Phone requests seen.
    pub requests: u64,
    /// 401s.
    pub unauthorized: u64,
    /// 503s.
    pub unavailable: u64,
    /// 429s.
    pub rate_limited: u64,
    /// Connections dropped after the work was committed.
    pub dropped_after_commit: u64,
    /// Answers stalled mid-body.
    pub stalled: u64,
    /// Slowed answers.
    pub slowed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    None,
    Unauthorized,
    Unavailable,
    RateLimited,
    DropAfterCommit,
    StallMidBody,
}

struct ChaosState {
    config: ChaosConfig,
    rng: u64,
    stats: ChaosStats,
    refusal: Option<Refusal>,
    refused: u64,
}

/// A standing refusal: requests to `path` (only those whose body contains
/// `body_contains`, when set) are answered `status` with error `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) path: String,
    pub(super) status: u16,
    pub(super) code: String,
    pub(super) body_contains: Option<String>,
}

/// The switches and the generator.
pub(super) struct Chaos(Mutex<ChaosState>);

impl Chaos {
    pub(super) fn new(config: ChaosConfig) -> Self {
        Self(Mutex::new(ChaosState {
            rng: config.seed,
            config,
            stats: ChaosStats::default(),
            refusal: None,
            refused: 0,
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ChaosState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the config, reseeds and zeroes the counters.
    pub(super) fn set(&self, config: ChaosConfig) {
        let mut s = self.state();
        s.rng = config.seed;
        s.config = config;
        s.stats = ChaosStats::default();
    }

    /// Sets the standing refusal (the random switches leave it alone).
    pub(super) fn refuse(&self, path: &str, status: u16, code: &str, body_contains: Option<&str>) {
        self.state().refusal = Some(Refusal {
            path: path.to_string(),
            status,
            code: code.to_string(),
            body_contains: body_contains.map(str::to_string),
        });
    }

    /// Lifts the standing refusal.
    pub(super) fn stop_refusing(&self) {
        self.state().refusal = None;
    }

    /// The standing refusal, if it is for `path`.
    pub(super) fn refusal_for(&self, path: &str) -> Option<Refusal> {
        self.state().refusal.clone().filter(|r| r.path == path)
    }

    /// Counts one request answered by the refusal.
    pub(super) fn count_refused(&self) {
        self.state().refused += 1;
    }

    /// Requests answered by a refusal since the cloud started.
    pub(super) fn refused(&self) -> u64 {
        self.state().refused
    }

    /// The current config.
    pub(super) fn config(&self) -> ChaosConfig {
        self.state().config.clone()
    }

    /// The counters.
    pub(super) fn stats(&self) -> ChaosStats {
        self.state().stats
    }

    pub(super) fn roll(&self) -> (Fault, Option<Duration>, ChaosConfig) {
        let mut s = self.state();
        s.stats.requests += 1;
        let draw = next_unit(&mut s.rng);
        let slow_draw = next_unit(&mut s.rng);
        let c = s.config.clone();
        let mut edge = 0.0;
        let mut fault = Fault::None;
        for (p, f) in [
            (c.unauthorized, Fault::Unauthorized),
            (c.unavailable, Fault::Unavailable),
            (c.rate_limited, Fault::RateLimited),
            (c.drop_after_commit, Fault::DropAfterCommit),
            (c.stall_mid_body, Fault::StallMidBody),
        ] {
            edge += p.clamp(0.0, 1.0);
            if draw < edge {
                fault = f;
                break;
            }
        }
        let counter = match fault {
            Fault::None => None,
            Fault::Unauthorized => Some(&mut s.stats.unauthorized),
            Fault::Unavailable => Some(&mut s.stats.unavailable),
            Fault::RateLimited => Some(&mut s.stats.rate_limited),
            Fault::DropAfterCommit => Some(&mut s.stats.dropped_after_commit),
            Fault::StallMidBody => Some(&mut s.stats.stalled),
        };
        if let Some(n) = counter {
            *n += 1;
        }
        let slow = (slow_draw < c.slow.clamp(0.0, 1.0)).then(|| Duration::from_millis(c.slow_ms));
        if slow.is_some() {
            s.stats.slowed += 1;
        }
        (fault, slow, c)
    }
}

/// SplitMix64 mapped to [0, 1).
fn next_unit(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}
