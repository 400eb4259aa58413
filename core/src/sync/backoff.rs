//! Full-jitter exponential backoff (a wait drawn uniformly from zero to
//! `min(cap, base · 2^failures)`), and the server's Retry-After, which
//! wins when present (capped).

use super::config::BackoffPolicy;
use std::time::{Duration, SystemTime};

/// Consecutive failures and the jitter generator.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    policy: BackoffPolicy,
    failures: u32,
    rng: u64,
}

impl Backoff {
    pub(crate) fn new(policy: BackoffPolicy) -> Self {
        let seed = policy.jitter_seed.unwrap_or_else(|| {
            latchkey_protocol::crypto::random_array::<8>()
                .map(u64::from_le_bytes)
                .unwrap_or(0x5eed)
        });
        Self {
            policy,
            failures: 0,
            rng: seed,
        }
    }

    /// After a success, or when connectivity comes back.
    pub(crate) fn reset(&mut self) {
        self.failures = 0;
    }

    /// Consecutive failures so far.
    pub(crate) fn failures(&self) -> u32 {
        self.failures
    }

    /// The wait before the next attempt after one more failure.
    pub(crate) fn next_delay(&mut self, retry_after: Option<Duration>) -> Duration {
        self.failures = self.failures.saturating_add(1);
        if let Some(wait) = retry_after {
            return wait.min(self.policy.retry_after_cap);
        }
        let exp = self.failures.saturating_sub(1).min(30);
        let ceiling = self.policy.base.saturating_mul(1u32 << exp).min(self.policy.cap);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(self.draw() % ceiling_ms.saturating_add(1))
    }

    /// SplitMix64.
    fn draw(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A Retry-After header value: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> BackoffPolicy {
        BackoffPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
            retry_after_cap: Duration::from_secs(3600),
            jitter_seed: Some(7),
        }
    }

    #[test]
    fn waits_stay_under_a_doubling_ceiling_up_to_the_cap() {
        let mut b = Backoff::new(policy());
        for failure in 0..20u32 {
            let ceiling = Duration::from_secs(1u64 << failure.min(30)).min(Duration::from_secs(60));
            assert!(b.next_delay(None) <= ceiling);
        }
        b.reset();
        assert_eq!(b.failures(), 0);
        assert!(b.next_delay(None) <= Duration::from_secs(1));
    }

    #[test]
    fn retry_after_wins_but_is_capped_at_an_hour() {
        let mut b = Backoff::new(policy());
        assert_eq!(b.next_delay(Some(Duration::from_secs(7))), Duration::from_secs(7));
        assert_eq!(
            b.next_delay(Some(Duration::from_secs(86_400))),
            Duration::from_secs(3600)
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_dates_and_refuses_junk() {
        assert_eq!(parse_retry_after(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-5"), None);
    }
}
