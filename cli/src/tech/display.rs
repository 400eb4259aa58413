//! How ids and times read in the commands' output: short ids, UTC times.

/// A unix time as `YYYY-MM-DD HH:MM` UTC.
pub(crate) fn when(unix: u32) -> String {
    latchkey_core::time::datetime(unix, 0)
}

/// The first eight hex digits of an id, as people compare them.
pub(crate) fn short(id: &impl std::fmt::Display) -> String {
    id.to_string().chars().take(8).collect()
}
