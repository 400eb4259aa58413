//! What the app configures once, when it builds the client.

/// The client's configuration. Cloud fields are carried to the sync engine;
/// everything else works without them.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ClientConfig {
    /// A private directory for the encrypted store (Android
    /// `Context.noBackupFilesDir`, iOS Application Support). The store
    /// lives in `<data_dir>/store`.
    pub data_dir: String,
    /// The cloud's base URL (`https://cloud.example.com`); none: offline
    /// only (credentials are put in by the app).
    #[uniffi(default = None)]
    pub cloud_base_url: Option<String>,
    /// Extra trusted root certificates for the cloud, PEM encoded (empty:
    /// the platform's roots).
    #[uniffi(default = [])]
    pub tls_root_certificates_pem: Vec<String>,
    /// Pinned SHA-256 hashes of the cloud's public keys (SPKI), base64 (an
    /// optional `sha256/` prefix is accepted) or 64 hex digits (empty: no
    /// pinning).
    #[uniffi(default = [])]
    pub tls_pinned_spki_sha256: Vec<String>,
    /// Most events the outbox keeps waiting for upload (none: 200,000).
    /// When full, diagnostic events are dropped first; queued access events
    /// never are. A command that finds no room still works: its own records
    /// are not queued, the lock's log keeps its events for a later visit,
    /// and the report's `housekeeping_error` says so.
    #[uniffi(default = None)]
    pub outbox_capacity: Option<u64>,
    /// A directory the app's other processes can read and write (an iOS
    /// App Group container, an Android app's files directory), never the
    /// data directory: with it, widgets, watches and tiles open locks with
    /// a `QuickUnlock` over it, and the client keeps it current and takes
    /// in what they did (none: no quick access).
    #[uniffi(default = None)]
    pub quick_access_dir: Option<String>,
}

impl ClientConfig {
    /// The store directory inside the data directory.
    pub(crate) fn store_dir(&self) -> std::path::PathBuf {
        std::path::Path::new(&self.data_dir).join("store")
    }
}
