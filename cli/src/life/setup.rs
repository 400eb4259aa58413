//! `claim` and `recommission`: setting a lock up from this phone, offline,
//! with the setup code on its label. Simulated: a lock fresh from the
//! factory is claimed for the site's account, or the front door is reset
//! and brought back. With `--ble`: a real lock, the account's settings for
//! a claim fetched from `--cloud` first and the registration uploaded
//! after.

use super::args::{setup_code, ClaimArgs, RecommissionArgs};
use super::scene;
use crate::tech::output::{CliError, Outcome};
use crate::tech::progress::Spinner;
use crate::tech::site::{lock_label, Site};
use crate::tech::sync;
use latchkey_core::client::{ClaimSettings, SetupReport};
use latchkey_core::unlock::NoProgress;
use serde_json::json;

/// `claim`.
pub async fn claim(args: &ClaimArgs) -> Result<Outcome, CliError> {
    let site = Site::open(&args.target).await?;
    let (code, settings, engine) = if site.real {
        let text = args
            .setup_code
            .as_deref()
            .ok_or_else(|| CliError::Usage("with --ble, give the label's code: --setup-code LK1.…".into()))?;
        let code = setup_code(text)?;
        let url = args.cloud.cloud.as_deref().ok_or_else(|| {
            CliError::Usage(
                "with --ble, name the account's cloud: --cloud URL --token T [--ca FILE] (it gives the \
                 issuer key and PIN secret the claim installs, and registers the lock afterwards)"
                    .into(),
            )
        })?;
        let engine = sync::engine(&site, url, &args.cloud)?;
        let spinner = Spinner::start("asking the cloud what the claim installs…");
        let kit = engine.commissioning(&code.lock_id).await;
        spinner.finish();
        let kit = kit.map_err(sync::sync_error)?;
        let settings = ClaimSettings {
            name: args.name.clone(),
            issuer_key: kit.issuer_key,
            pin_secret: Some(kit.pin_secret),
            utc_offset_min: 0,
            groups: Vec::new(),
        };
        (code, settings, Some(engine))
    } else {
        let (_, label, settings) = scene::new_lock(&site, &args.name)?;
        let code = match (&args.setup_code, args.sim_wrong_code) {
            (Some(text), _) => setup_code(text)?,
            (None, true) => scene::mistyped(label),
            (None, false) => label,
        };
        (code, settings, None)
    };
    let spinner = Spinner::start("scanning for the lock…");
    let report = site.client.setup().claim(code, settings, &spinner).await;
    spinner.finish();
    let report = report?;
    let mut outcome = described(&site, &report, "claimed for this account");
    match engine {
        Some(engine) => {
            let synced = sync::drain(&engine).await;
            let line = match synced.pending_after {
                0 => "  registered with the cloud".to_string(),
                n => format!("  not registered yet: {n} event(s) wait for the next `latchkey sync`"),
            };
            outcome.text.push(line);
        }
        None => outcome
            .text
            .push("  the cloud registers it at this phone's next sync (the lock-signed receipt is queued)".into()),
    }
    Ok(outcome)
}

/// `recommission`.
pub async fn recommission(args: &RecommissionArgs) -> Result<Outcome, CliError> {
    let site = Site::open(&args.target).await?;
    let meta = site.lock(args.target.lock.as_deref()).await?;
    let mut code = args.setup_code.as_deref().map(setup_code).transpose()?;
    let mut before = Vec::new();
    if !site.real {
        let label = scene::reset(&site, meta.lock_id).await?;
        code = code.or(Some(label));
        let refused = site.client.locks().status(meta.lock_id, &NoProgress).await;
        if let Err(e) = refused {
            before.push(format!(
                "{}: factory reset (simulated); the phone then says: {e}",
                lock_label(&meta)
            ));
        }
    }
    let spinner = Spinner::start("scanning for the lock…");
    let report = site.client.setup().recommission(meta.lock_id, code, &spinner).await;
    spinner.finish();
    let mut outcome = described(&site, &report?, "re-commissioned");
    if !site.real {
        let status = site.client.locks().status(meta.lock_id, &NoProgress).await?;
        outcome.text.push(format!(
            "  this phone's key works again: status read over {}",
            status.path.name()
        ));
    }
    before.append(&mut outcome.text);
    outcome.text = before;
    Ok(outcome)
}

fn described(site: &Site, r: &SetupReport, done: &str) -> Outcome {
    let seq = |what: &str, seq: u32| match seq {
        0 => format!("no {what}"),
        n => format!("{what} {n}"),
    };
    let text = vec![
        format!("{} ({}): {done}, offline", r.name, crate::tech::short(&r.lock_id)),
        format!(
            "  epoch {}, firmware {}; installed: issuer key, time, name, {}, {}",
            r.epoch,
            r.firmware,
            seq("revocation list", r.revocation_seq),
            seq("PIN list", r.pin_seq)
        ),
    ];
    let json = json!({
        "lock_id": r.lock_id.to_string(),
        "name": r.name,
        "epoch": r.epoch,
        "firmware": r.firmware.to_string(),
        "revocation_seq": r.revocation_seq,
        "pin_seq": r.pin_seq,
        "recommissioned": r.recommissioned,
        "where": site.description,
    });
    Outcome { text, json }
}
