//! What a crash point does when the feature is on: count the hit, trace
//! it, and die when it is the one asked for.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// `name#N`: die at the N-th hit (from 1) of the crash point `name`.
pub const CRASH_AT_ENV: &str = "LATCHKEY_CRASH_AT";
/// A file to which every hit appends the point's name as one line.
pub const CRASH_TRACE_ENV: &str = "LATCHKEY_CRASH_TRACE";

struct Plan {
    /// The point to die at and at which hit.
    at: Option<(String, u64)>,
    trace: Option<Mutex<std::fs::File>>,
    hits: Mutex<HashMap<String, u64>>,
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let at = std::env::var(CRASH_AT_ENV).ok().and_then(|v| {
            let (name, n) = v.rsplit_once('#')?;
            Some((name.to_string(), n.parse().ok()?))
        });
        let trace = std::env::var_os(CRASH_TRACE_ENV).and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
                .map(Mutex::new)
        });
        Plan {
            at,
            trace,
            hits: Mutex::new(HashMap::new()),
        }
    })
}

/// One hit of the crash point `name` (see [`crash_point!`]).
pub fn hit(name: &str) {
    let plan = plan();
    if plan.at.is_none() && plan.trace.is_none() {
        return;
    }
    // The hits are counted under the lock, and the process dies holding
    // it: no other thread passes a crash point after the chosen one.
    let mut hits = plan.hits.lock().unwrap_or_else(|p| p.into_inner());
    let count = hits.entry(name.to_string()).or_insert(0);
    *count += 1;
    if let Some(trace) = &plan.trace {
        let mut file = trace.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(file, "{name}");
    }
    if plan.at.as_ref().is_some_and(|(at, n)| at == name && *n == *count) {
        eprintln!("crash point {name}#{count}: killing the process");
        die();
    }
}

/// SIGKILL to this process: what a phone's OS does to an app (no handler,
/// no core dump, no destructor, no flush).
#[cfg(unix)]
fn die() -> ! {
    // SAFETY: `kill` and `getpid` take plain integers and touch no memory
    // of this process.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    // SIGKILL is not delivered asynchronously to the sender itself on
    // every system: never go on past the crash point.
    std::process::abort()
}

/// Where there is no SIGKILL: abort, as close as the platform offers.
#[cfg(not(unix))]
fn die() -> ! {
    std::process::abort()
}
