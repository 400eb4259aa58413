//! `latchkey demo`: the whole offline story, told step by step. A
//! reference cloud starts on loopback (HTTPS with a test CA it makes at
//! start, data in a temporary folder), a lock is commissioned on the
//! simulated radio (virtual time, so every radio figure is reproducible),
//! and phones sync, lose the network, unlock and carry credentials, a
//! firmware update and the way back from a factory reset. Every
//! step checks that the system did what the story says; any surprise
//! makes the demo exit non-zero. `--json` prints the steps and their
//! checks as one JSON document at the end instead. With `--locale`, what
//! the phones show (findings, the troubleshooting flow) is in that
//! language; the narration stays English.

mod carry;
mod cast;
mod check;
mod diagnoses;
mod life;
mod narrator;
mod story;

use crate::locales::Language;
use crate::output::Style;
use narrator::Story;
use std::process::ExitCode;
use std::time::Instant;

/// Runs the story; the exit code says whether every step behaved.
pub async fn run(json: bool, style: Style, language: Language) -> ExitCode {
    let started = Instant::now();
    let mut story = Story::new(style, json);
    story.print(&style.heading("latchkey demo: a lock, its cloud, four phones, and a network that goes away"));
    let mut stopped = None;
    if let Err(e) = story::tell(&mut story, &language).await {
        story.check(false, &format!("the demo could not continue: {e}"));
        stopped = Some(e.to_string());
    }
    story.finish(started.elapsed().as_secs_f64(), stopped)
}
