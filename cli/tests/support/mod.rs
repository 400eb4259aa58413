//! Running the `latchkey` binary as a script would: plain output
//! (NO_COLOR), stdout parsed as JSON where asked.

#![allow(dead_code)]

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use serde_json::Value;

/// `latchkey ARGS` with stdin closed, in English (the environment's
/// language is cleared: `--locale` defaults to it).
pub fn latchkey(args: &[&str]) -> Assert {
    run(args, "")
}

/// `latchkey ARGS` with `stdin` as its input.
pub fn run(args: &[&str], stdin: &str) -> Assert {
    Command::cargo_bin("latchkey")
        .expect("the latchkey binary")
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .write_stdin(stdin)
        .assert()
}

/// `latchkey ARGS` with `LANG` set to `lang` (and no LC_ALL or LC_MESSAGES).
pub fn with_lang(args: &[&str], lang: &str) -> Assert {
    Command::cargo_bin("latchkey")
        .expect("the latchkey binary")
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .write_stdin("")
        .assert()
}

/// A command that succeeds, its stdout parsed as JSON.
pub fn json(args: &[&str]) -> Value {
    parse(args, &latchkey(args).success())
}

/// stdout of a finished command, parsed as JSON.
pub fn parse(args: &[&str], run: &Assert) -> Value {
    let out = &run.get_output().stdout;
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {}", String::from_utf8_lossy(out)))
}

/// stdout as text.
pub fn stdout(run: &Assert) -> String {
    String::from_utf8_lossy(&run.get_output().stdout).into_owned()
}

/// stderr as text.
pub fn stderr(run: &Assert) -> String {
    String::from_utf8_lossy(&run.get_output().stderr).into_owned()
}

/// Nothing that looks like a crash report.
pub fn assert_no_backtrace(text: &str) {
    for sign in ["panicked", "backtrace", "RUST_BACKTRACE", "internal error"] {
        assert!(!text.contains(sign), "{sign:?} in:\n{text}");
    }
}
