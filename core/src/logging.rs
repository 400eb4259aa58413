//! latchkey's own log lines at info and debug.
//!
//! The mobile library compiles the `log` lines of its dependencies out
//! below warnings (`log`'s `release_max_level_warn` in bindings/Cargo.toml:
//! the app's sink never passed them, and they cost tens of KB). latchkey's
//! own lines at info and debug go through [`log_line!`](crate::log_line),
//! which checks only the level the app chose at run time, so they reach
//! the sink in release builds as in debug ones.

pub use log::Level;

/// Writes one line at `level` to `target` when the run-time level lets it
/// through. Used by [`log_line!`](crate::log_line).
pub fn emit(level: Level, target: &str, args: std::fmt::Arguments<'_>) {
    if level <= log::max_level() {
        log::logger().log(&log::Record::builder().level(level).target(target).args(args).build());
    }
}

/// One of latchkey's own log lines: `log_line!(Info, target: "latchkey::x",
/// "format", args…)`. Unlike `log::info!`, never compiled out.
#[macro_export]
macro_rules! log_line {
    ($level:ident, target: $target:expr, $($arg:tt)+) => {
        $crate::logging::emit($crate::logging::Level::$level, $target, format_args!($($arg)+))
    };
}
