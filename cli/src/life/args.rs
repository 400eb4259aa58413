//! The options of `claim`, `recommission` and `firmware show|update`, and
//! reading a label's setup code.

use crate::tech::output::CliError;
use crate::tech::site::Target;
use crate::tech::sync::SyncArgs;
use clap::{Args, Subcommand};
use latchkey_protocol::SetupCode;
use std::path::PathBuf;

/// `claim`'s options.
#[derive(Args, Debug, Clone)]
pub struct ClaimArgs {
    /// The text of the QR code on the lock's label (`LK1.…`); simulated: the new lock's own.
    #[arg(long, value_name = "CODE")]
    pub setup_code: Option<String>,
    /// The lock's name.
    #[arg(long, value_name = "NAME", default_value = "Garden gate")]
    pub name: String,
    /// Simulated: type the label's code with one digit wrong.
    #[arg(long, conflicts_with = "setup_code")]
    pub sim_wrong_code: bool,
    /// With --ble: the account's cloud, which gives what claiming installs and registers the lock afterwards.
    #[command(flatten)]
    pub cloud: SyncArgs,
    #[command(flatten)]
    pub target: Target,
}

/// `recommission`'s options.
#[derive(Args, Debug, Clone)]
pub struct RecommissionArgs {
    /// The text of the QR code on the lock's label (default: the one this phone kept when it set the lock up).
    #[arg(long, value_name = "CODE")]
    pub setup_code: Option<String>,
    #[command(flatten)]
    pub target: Target,
}

/// `firmware`'s options.
#[derive(Args, Debug, Clone)]
pub struct FirmwareArgs {
    #[command(subcommand)]
    pub action: FirmwareAction,
}

/// What `firmware` does.
#[derive(Subcommand, Debug, Clone)]
pub enum FirmwareAction {
    /// Read at the door which firmware the lock runs, and what this phone carries for it.
    Show(FirmwareOptions),
    /// Deliver the newest image this phone carries and install it, offline; say what the update kept.
    Update(FirmwareOptions),
}

/// Options of `firmware show|update`.
#[derive(Args, Debug, Clone)]
pub struct FirmwareOptions {
    /// Carry this vendor manifest first (with --image; images otherwise come with `sync --cloud`).
    #[arg(long, value_name = "FILE", requires = "image")]
    pub manifest: Option<PathBuf>,
    /// The image the manifest names.
    #[arg(long, value_name = "FILE", requires = "manifest")]
    pub image: Option<PathBuf>,
    /// What the image does not keep, as its vendor says (pin_list, certificates, clock_trust);
    /// simulated: what the vendor's new image drops.
    #[arg(long, value_name = "WHAT", value_delimiter = ',')]
    pub drops: Vec<String>,
    #[command(flatten)]
    pub target: Target,
}

/// A label's text read, or what is wrong with it.
pub(super) fn setup_code(text: &str) -> Result<SetupCode, CliError> {
    SetupCode::parse(text).ok_or_else(|| {
        CliError::Usage(format!(
            "{text:?} is not a lock's setup code: it is the text of the QR code on the label inside \
             the battery cover, `LK1.` then two groups of 32 hex digits"
        ))
    })
}
