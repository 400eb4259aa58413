//! How a reference cloud is started.

use super::chaos::ChaosConfig;
use crate::VirtualClock;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The clock the cloud signs time tokens and certificates with.
#[derive(Debug, Clone, Default)]
pub enum CloudClock {
    /// The operating system's clock.
    #[default]
    System,
    /// A simulated world's virtual clock (tests, the demo).
    Virtual(VirtualClock),
}

impl CloudClock {
    /// Unix seconds now.
    pub fn now_unix(&self) -> u32 {
        match self {
            CloudClock::System => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                u32::try_from(secs).unwrap_or(u32::MAX)
            }
            CloudClock::Virtual(clock) => clock.unix_now(),
        }
    }
}

/// Settings of one cloud instance.
#[derive(Debug, Clone)]
pub struct CloudConfig {
    /// Where the database lives (created if missing; reopened on restart).
    pub data_dir: PathBuf,
    /// Address to listen on; port 0 picks a free one.
    pub bind: SocketAddr,
    /// The cloud's clock.
    pub clock: CloudClock,
    /// The issuer key (PKCS#8) to use when the data directory has none yet;
    /// a fresh one is generated otherwise.
    pub issuer_pkcs8: Option<Vec<u8>>,
    /// The admin bearer token; random when `None`.
    pub admin_token: Option<String>,
    /// Faults to inject from the start.
    pub chaos: ChaosConfig,
    /// Host names and IP addresses the server certificate is valid for.
    pub server_names: Vec<String>,
}

impl CloudConfig {
    /// A cloud on 127.0.0.1 with a free port, the system clock and no chaos.
    pub fn local(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            clock: CloudClock::System,
            issuer_pkcs8: None,
            admin_token: None,
            chaos: ChaosConfig::default(),
            server_names: vec!["localhost".into(), "127.0.0.1".into()],
        }
    }

    /// Uses `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: CloudClock) -> Self {
        self.clock = clock;
        self
    }

    /// Listens on `bind` instead.
    pub fn with_bind(mut self, bind: SocketAddr) -> Self {
        self.bind = bind;
        self
    }
}
