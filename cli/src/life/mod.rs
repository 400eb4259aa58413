//! The lock's life at the door: `claim` (a new lock, with the setup code
//! on its label), `recommission` (a factory-reset lock brought back in one
//! flow) and `firmware` (what a lock runs, and delivering an update this
//! phone carries). The simulated site by default (`scene.rs` adds what
//! each needs: a lock fresh from the factory, a reset, a vendor's image);
//! a real lock with `--ble --data-dir DIR`.

mod args;
mod firmware;
mod scene;
mod setup;

pub use args::{ClaimArgs, FirmwareAction, FirmwareArgs, RecommissionArgs};

use crate::tech::output::{self, CliError, Outcome};
use crate::tech::site::Target;
use std::process::ExitCode;

/// Runs `claim`.
pub async fn claim(args: ClaimArgs) -> ExitCode {
    let target = args.target.clone();
    finish(setup::claim(&args).await, &target)
}

/// Runs `recommission`.
pub async fn recommission(args: RecommissionArgs) -> ExitCode {
    finish(setup::recommission(&args).await, &args.target)
}

/// Runs `firmware show|update`.
pub async fn firmware(args: FirmwareArgs) -> ExitCode {
    let (options, update) = match &args.action {
        FirmwareAction::Show(o) => (o, false),
        FirmwareAction::Update(o) => (o, true),
    };
    finish(firmware::run(options, update).await, &options.target)
}

fn finish(result: Result<Outcome, CliError>, target: &Target) -> ExitCode {
    output::print(result, target.json, target.no_color)
}
