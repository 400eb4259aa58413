//! `latchkey cloud-check`: the conformance kit. It runs latchkey-core's
//! real sync engine through the cloud API contract (docs/cloud-api.md,
//! docs/openapi.json) against any cloud, and says per check what passed,
//! what failed and why, and what was skipped for want of a credential.
//!
//! - With the admin token of the reference cloud's operator API
//!   (`--admin-token`), the kit registers its own lock, phone and host,
//!   simulates the lock here (commissioned with the cloud's issuer), and
//!   uses the chaos switches for the 429, 503 and lost-answer checks.
//! - Without it, a vendor gives a phone's token and its store
//!   (`--token`, `--data-dir`), and a host's token for the host checks.
//!
//! The order matters: each check leaves the phone as the next expects.

mod door;
mod errors;
mod keys;
mod report;
mod setup;
mod support;
mod upload;

use crate::tech::output::{print, CliError};
use latchkey_core::sync::TrustRoots;
use latchkey_testkit::http::CloudHttp;
use report::Report;
use setup::Kit;
use std::path::PathBuf;
use std::process::ExitCode;

/// What to check, and with which credentials.
#[derive(clap::Args)]
pub struct CloudCheckArgs {
    /// The cloud's base URL (https://…).
    #[arg(long, value_name = "URL")]
    url: String,
    /// A PEM file with the CA to trust (default: this computer's roots).
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// The operator's token for `/admin/…` (the reference cloud's API): the
    /// kit then sets up its own lock, phone and host and uses the chaos switches.
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["token", "admin_token_file"])]
    admin_token: Option<String>,
    /// A file holding the admin token (`latchkey cloud` writes DATA_DIR/admin-token).
    #[arg(long, value_name = "FILE", conflicts_with = "token")]
    admin_token_file: Option<PathBuf>,
    /// A phone's token, registered with the holder key of the store in --data-dir.
    #[arg(long, value_name = "TOKEN", requires = "data_dir")]
    token: Option<String>,
    /// The phone's store for --token (`latchkey keys --data-dir DIR` prints its holder key).
    #[arg(long, value_name = "DIR", requires = "token")]
    data_dir: Option<PathBuf>,
    /// A host's token, for issuing and revoking keys, changing PINs and reading drift.
    #[arg(long, value_name = "TOKEN", requires = "token")]
    host_token: Option<String>,
    /// The phone's registered name, so the host can issue it keys.
    #[arg(long, value_name = "NAME", requires = "token")]
    phone_name: Option<String>,
    /// Print the checks as JSON.
    #[arg(long)]
    json: bool,
    /// Plain output without colours (also: NO_COLOR=1).
    #[arg(long)]
    no_color: bool,
}

/// Sets up, runs every check in order, prints the report.
pub async fn run(args: CloudCheckArgs) -> ExitCode {
    let mut kit = match setup(&args).await {
        Ok(kit) => kit,
        Err(e) => return print(Err(e), args.json, args.no_color),
    };
    let mut report = Report::default();
    checks(&mut kit, &mut report).await;
    report.print(&args.url, args.json, args.no_color)
}

async fn setup(args: &CloudCheckArgs) -> Result<Kit, CliError> {
    let url = args.url.trim_end_matches('/').to_string();
    if !url.starts_with("https://") {
        return Err(CliError::Usage(format!("--url must be https://…, not `{url}`")));
    }
    let read = |path: &PathBuf, what: &str| {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read the {what} {}: {e}", path.display())))
    };
    let ca = args.ca.as_ref().map(|p| read(p, "CA file")).transpose()?;
    let roots = ca
        .clone()
        .map_or(TrustRoots::Platform, |pem| TrustRoots::Pem(vec![pem]));
    let http = CloudHttp::new(&url, ca.as_deref()).map_err(|e| CliError::Usage(format!("TLS setup: {e}")))?;
    let admin = match (&args.admin_token, &args.admin_token_file) {
        (Some(t), _) => Some(t.trim().to_string()),
        (None, Some(path)) => Some(read(path, "admin token file")?.trim().to_string()),
        (None, None) => None,
    };
    let failed = |e: String| CliError::Usage(format!("setting up the checks against {url}: {e}"));
    match (admin, &args.token, &args.data_dir) {
        (Some(admin), _, _) => Kit::with_admin(&url, roots, http, admin).await.map_err(failed),
        (None, Some(token), Some(dir)) => {
            let (host, name) = (args.host_token.clone(), args.phone_name.clone());
            Kit::with_phone(&url, roots, http, dir, token.clone(), host, name)
                .await
                .map_err(failed)
        }
        _ => Err(CliError::Usage(
            "give --admin-token (or --admin-token-file), or a phone's --token and --data-dir".into(),
        )),
    }
}

async fn checks(kit: &mut Kit, report: &mut Report) {
    if kit.lock_id.is_some() {
        // The kit's own lock: the phone's first key comes from the host.
        report.record("keys.issue", keys::issue_key(kit).await);
        report.record("credentials", keys::credentials(kit).await);
    } else {
        // The vendor's phone brings its keys; the host adds one to the
        // first lock it holds a key for.
        report.record("credentials", keys::credentials(kit).await);
        kit.lock_id = first_lock(kit);
        report.record("keys.issue", keys::issue_key(kit).await);
    }
    let kit = &*kit;
    report.record("time.at_door", keys::time_at_door(kit).await);
    report.record("door.visit", door::open(kit).await);
    report.record("upload", upload::upload(kit).await);
    report.record("upload.recollected", upload::recollected(kit).await);
    report.record("upload.lost_answer", upload::lost_answer(kit).await);
    report.record("upload.too_large", upload::too_large(kit).await);
    report.record("keys.renewal", keys::renewal(kit).await);
    report.record("revocation", keys::revocation(kit).await);
    report.record("revocation.delivered", door::revocation_delivered(kit).await);
    report.record("pins", door::pins(kit).await);
    report.record("pins.delivered", door::pins_delivered(kit).await);
    report.record("auth.refresh", errors::refresh(kit).await);
    report.record("auth.refused", errors::refused(kit).await);
    report.record("busy.rate_limited", errors::busy(kit, 429).await);
    report.record("busy.unavailable", errors::busy(kit, 503).await);
    report.record("not_found", errors::not_found(kit).await);
}

/// Without a lock of its own, the checks use the first lock (by name) the
/// phone holds a key for after the first pass.
fn first_lock(kit: &Kit) -> Option<latchkey_protocol::LockId> {
    let store = kit.phone.store();
    let keys = store.keys().list().ok()?;
    let mut locks = store.locks().list_meta().ok()?;
    locks.sort_by(|a, b| a.name.cmp(&b.name));
    locks
        .into_iter()
        .find(|m| keys.iter().any(|k| k.key.applies_to(&m.lock_id, &m.groups)))
        .map(|m| m.lock_id)
}
