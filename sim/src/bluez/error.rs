//! Why the peripheral could not start, and the helper that wraps a BlueZ
//! error with what was being done.

/// Why the peripheral could not start.
#[derive(Debug, thiserror::Error)]
pub enum BluezError {
    /// The named adapter does not exist.
    #[error("no Bluetooth adapter {wanted} (present: {})", present.join(", "))]
    NoAdapter {
        /// The adapter asked for.
        wanted: String,
        /// The adapters BlueZ has.
        present: Vec<String>,
    },
    /// A BlueZ call failed.
    #[error("{context}: {source}")]
    Bluetooth {
        /// What was being done.
        context: String,
        /// What BlueZ (or D-Bus) said.
        #[source]
        source: bluer::Error,
    },
}

/// Wraps a BlueZ error with what was being done (for `map_err`).
pub(super) fn bluez(context: impl Into<String>) -> impl FnOnce(bluer::Error) -> BluezError {
    let context = context.into();
    move |source| BluezError::Bluetooth { context, source }
}
