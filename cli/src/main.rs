//! # latchkey (the command-line tool)
//!
//! The demo that tells latchkey's whole offline story against a simulated
//! lock, and (as they arrive) the commands a service technician runs. It
//! is a thin shell over latchkey-core: it must never contain protocol or
//! policy logic of its own.

mod demo;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// latchkey: open your lock with no network, and know why when you can't.
#[derive(Parser)]
#[command(name = "latchkey", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tell the whole offline story against a simulated lock, step by step.
    Demo {
        /// Plain output without colours.
        #[arg(long)]
        no_color: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("latchkey: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Demo { no_color } => runtime.block_on(demo::run(output::Style::detect(no_color))),
    }
}
