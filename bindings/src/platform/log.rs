//! Log lines to the platform's log (Logcat, OSLog) through a [`LogSink`].
//!
//! The library logs through the `log` facade; one process-wide forwarder
//! hands each line to the installed sink. latchkey's own lines
//! (targets `latchkey…`) pass at the chosen level; lines of dependencies
//! (the storage engine, the binding runtime) only at warnings and errors,
//! so a debug build does not drown Logcat.

use std::cell::Cell;
use std::sync::{Arc, RwLock};

/// How severe a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    /// Something failed.
    Error,
    /// Something unexpected that was handled.
    Warn,
    /// What happened (commands, credentials added).
    Info,
    /// Steps and details, for debugging.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    fn filter(self) -> log::LevelFilter {
        match self {
            Self::Error => log::LevelFilter::Error,
            Self::Warn => log::LevelFilter::Warn,
            Self::Info => log::LevelFilter::Info,
            Self::Debug => log::LevelFilter::Debug,
            Self::Trace => log::LevelFilter::Trace,
        }
    }

    fn from_log(level: log::Level) -> Self {
        match level {
            log::Level::Error => Self::Error,
            log::Level::Warn => Self::Warn,
            log::Level::Info => Self::Info,
            log::Level::Debug => Self::Debug,
            log::Level::Trace => Self::Trace,
        }
    }
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogRecord {
    /// Severity.
    pub level: LogLevel,
    /// Where it comes from (`latchkey::command`, `latchkey::ble`, …): use
    /// it as the Logcat tag or OSLog category.
    pub target: String,
    /// The line.
    pub message: String,
}

/// Receives the library's log lines. Called on any thread; must not call
/// back into latchkey (such lines are dropped).
#[uniffi::export(callback_interface)]
pub trait LogSink: Send + Sync {
    /// One line.
    fn log(&self, record: LogRecord);
}

static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
static FORWARDER: Forwarder = Forwarder;

thread_local! {
    /// Set while a line is with the sink, so a sink that logs back into the
    /// library can't recurse.
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// Sends the library's log lines up to `max_level` to `sink` (replacing
/// any sink installed before). Call once at app start.
#[uniffi::export]
pub fn install_log_sink(sink: Box<dyn LogSink>, max_level: LogLevel) {
    let sink: Arc<dyn LogSink> = Arc::from(sink);
    *SINK.write().unwrap_or_else(|p| p.into_inner()) = Some(sink);
    // Fails only if another logger was installed first in this process;
    // then lines go there instead.
    let _ = log::set_logger(&FORWARDER);
    log::set_max_level(max_level.filter());
}

struct Forwarder;

impl log::Log for Forwarder {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target().starts_with("latchkey") || metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) || IN_SINK.with(Cell::get) {
            return;
        }
        let sink = SINK.read().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(sink) = sink {
            IN_SINK.with(|f| f.set(true));
            sink.log(LogRecord {
                level: LogLevel::from_log(record.level()),
                target: record.target().to_string(),
                message: record.args().to_string(),
            });
            IN_SINK.with(|f| f.set(false));
        }
    }

    fn flush(&self) {}
}
