//! `latchkey demo`: the whole offline story, told step by step. A
//! reference cloud starts on loopback (HTTPS with a test CA it makes at
//! start, data in a temporary folder), a lock is commissioned on the
//! simulated radio (virtual time, so every radio figure is reproducible),
//! and phones sync, lose the network, unlock and carry credentials. Every
//! step checks that the system did what the story says; any surprise
//! makes the demo exit non-zero.

mod cast;
mod story;

use crate::output::Style;
use latchkey_core::CommandReport;
use std::process::ExitCode;
use std::time::Instant;

/// The story's narrator: numbered steps, checks, figures.
pub(crate) struct Story {
    style: Style,
    step: u32,
    failures: u32,
}

impl Story {
    fn step(&mut self, title: &str) {
        self.step += 1;
        println!("\n{}", self.style.heading(&format!("{}. {title}", self.step)));
    }

    fn say(&self, text: &str) {
        println!("   {text}");
    }

    fn detail(&self, text: &str) {
        println!("   {}", self.style.dim(text));
    }

    /// Records whether the system behaved as the story says.
    fn check(&mut self, ok: bool, text: &str) -> bool {
        if ok {
            println!("   {} {text}", self.style.good("✓"));
        } else {
            self.failures += 1;
            println!("   {} {text}", self.style.bad("✗ unexpected:"));
        }
        ok
    }

    fn figures(&self, r: &CommandReport) {
        self.detail(&format!(
            "{} path, {} round trip(s), {} B up / {} B down, {} ms on the radio model (MTU 185, 30 ms interval)",
            r.path.name(),
            r.round_trips,
            r.bytes_up,
            r.bytes_down,
            r.latency_ms
        ));
    }
}

/// Runs the story; the exit code says whether every step behaved.
pub async fn run(style: Style) -> ExitCode {
    let started = Instant::now();
    let mut story = Story {
        style,
        step: 0,
        failures: 0,
    };
    println!(
        "{}",
        style.heading("latchkey demo: a lock, its cloud, four phones, and a network that goes away")
    );
    if let Err(e) = story::tell(&mut story).await {
        story.failures += 1;
        println!("   {} {e}", style.bad("✗ the demo could not continue:"));
    }
    println!();
    let took = started.elapsed().as_secs_f64();
    if story.failures == 0 {
        println!(
            "{}",
            style.good(&format!(
                "Every step behaved as told ({} steps, {took:.1} s).",
                story.step
            ))
        );
        ExitCode::SUCCESS
    } else {
        println!(
            "{}",
            style.bad(&format!("{} check(s) did not behave as told.", story.failures))
        );
        ExitCode::FAILURE
    }
}
