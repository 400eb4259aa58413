//! # latchkey-bench
//!
//! The measured figures in docs/benchmarks.md, reproducible with one
//! command each: `unlock`, `outbox-crash`, `sync` (and `sync crash`),
//! `crashpoints`, `footprint` and `libsize`, printing JSON. A binary rather than timed tests: the
//! figures come from a release build, and timing never decides whether a
//! test passes.
//!
//! It only parses the command line and dispatches to latchkey-tests'
//! modules: it must never hold measurement logic of its own, and nothing
//! may depend on it. Like the rest of latchkey-tests it never depends on
//! latchkey-ffi or UniFFI.

use latchkey_tests::{crashpoints, footprint, libsize, outbox_crash, sync_bench, unlock_bench};

fn unlock(_args: &[String]) -> i32 {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("latchkey-bench: runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(unlock_bench::run()) {
        Ok(figures) => {
            println!("{}", figures.json());
            0
        }
        Err(e) => {
            eprintln!("latchkey-bench unlock: {e}");
            1
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("unlock") => std::process::exit(unlock(&args[1..])),
        Some("outbox-crash") => std::process::exit(outbox_crash::main(&args[1..])),
        Some(outbox_crash::CHILD_COMMAND) => std::process::exit(outbox_crash::child_main(&args[1..])),
        Some("sync") => std::process::exit(sync_bench::main(&args[1..])),
        Some("crashpoints") => std::process::exit(crashpoints::main(&args[1..])),
        Some("footprint") => std::process::exit(footprint::main(&args[1..])),
        Some("libsize") => std::process::exit(libsize::main(&args[1..])),
        _ => {
            eprintln!("usage: latchkey-bench <benchmark> [--json]\nbenchmarks: unlock [--json] | outbox-crash [--rounds N] [--dir D] | sync [--json] | sync crash [--rounds N] | crashpoints [--json] [--quick] | footprint [--json] [--starts N] [--events N] [--widgets N] [--per-process N] [--rounds N] | libsize [--json] [--target T]");
            std::process::exit(2);
        }
    }
}
