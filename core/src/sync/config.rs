//! What the app configures: where the cloud is, whom to trust, how long to
//! wait, how much to send at once, how to back off. Plain data, so the
//! bindings can pass it through as a record.

use std::time::Duration;

/// Which certificate authorities the phone trusts for the cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustRoots {
    /// The operating system's trust store, through rustls-platform-verifier
    /// (Android: the app must initialise it with its JNI context first;
    /// iOS/macOS: Security.framework; Linux: the system CA bundle).
    Platform,
    /// Only these CA certificates (PEM, one or more per string): a private
    /// CA, or the reference cloud's test CA.
    Pem(Vec<String>),
}

/// TLS settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// Whom to trust.
    pub roots: TrustRoots,
    /// Optional SPKI pins: SHA-256 of a SubjectPublicKeyInfo in the
    /// server's chain (leaf or intermediate), as base64 (RFC 7469 style) or
    /// 64 hex digits. Empty: no pinning. With pins, a chain that verifies
    /// but matches none is refused.
    pub spki_sha256_pins: Vec<String>,
}

/// Network timeouts of the cloud client: every wait is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connection setup: DNS, TCP and the TLS handshake.
    pub connect: Duration,
    /// Longest silence while reading an answer (each read of the head or
    /// body).
    pub read: Duration,
    /// Whole request, from connecting (or reusing a connection) to the
    /// last byte of the answer.
    pub total: Duration,
}

impl Default for Timeouts {
    /// 10 s to connect, 20 s of silence, 60 s in total: generous for a
    /// phone on a weak cellular link, short enough to notice a dead one.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(20),
            total: Duration::from_secs(60),
        }
    }
}

/// Retry policy for failed passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// The first retry waits up to this long.
    pub base: Duration,
    /// No backoff wait exceeds this.
    pub cap: Duration,
    /// A server's Retry-After is honoured up to this long.
    pub retry_after_cap: Duration,
    /// Seed of the jitter generator (`None`: random). Tests fix it.
    pub jitter_seed: Option<u64>,
}

impl Default for BackoffPolicy {
    /// 1 s base, 5 min cap, Retry-After honoured up to 1 h.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
            retry_after_cap: Duration::from_secs(3600),
            jitter_seed: None,
        }
    }
}

/// Everything the sync engine needs to know besides the phone itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// The cloud's base URL, `https://…` (no trailing path needed).
    pub base_url: String,
    /// TLS trust.
    pub tls: TlsSettings,
    /// Timeouts of every request.
    pub timeouts: Timeouts,
    /// Most events per upload request.
    pub max_events_per_request: usize,
    /// Most bytes per upload request body.
    pub max_request_bytes: usize,
    /// On a metered connection, at most this many upload bytes per pass
    /// (credentials are always fetched: they are small and they matter).
    pub metered_upload_bytes_per_pass: usize,
    /// How often keys, lists, time tokens and lock metadata are refreshed.
    pub credentials_interval: Duration,
    /// How long the background loop sleeps when there is nothing to do
    /// (new events and connectivity changes wake it earlier).
    pub idle_interval: Duration,
    /// Retry policy.
    pub backoff: BackoffPolicy,
}

impl SyncConfig {
    /// Defaults for a cloud at `base_url` trusting `roots`: 500 events or
    /// 256 KiB per request, credentials hourly, 1 MiB per pass when metered.
    pub fn new(base_url: impl Into<String>, roots: TrustRoots) -> Self {
        Self {
            base_url: base_url.into(),
            tls: TlsSettings {
                roots,
                spki_sha256_pins: Vec::new(),
            },
            timeouts: Timeouts::default(),
            max_events_per_request: 500,
            max_request_bytes: 256 * 1024,
            metered_upload_bytes_per_pass: 1024 * 1024,
            credentials_interval: Duration::from_secs(3600),
            idle_interval: Duration::from_secs(900),
            backoff: BackoffPolicy::default(),
        }
    }
}

/// What the platform reports about the network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Connectivity {
    /// A network with internet access is up.
    pub online: bool,
    /// It is metered (cellular, hotspot).
    pub metered: bool,
}

impl Connectivity {
    /// Online on an unmetered network.
    pub const ONLINE: Connectivity = Connectivity {
        online: true,
        metered: false,
    };
    /// No network.
    pub const OFFLINE: Connectivity = Connectivity {
        online: false,
        metered: false,
    };
}
