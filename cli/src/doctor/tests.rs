use super::*;
use crate::tech::site::SimFault;
use latchkey_core::diagnostics::{diagnose, DeviceSnapshot, FindingCode};

fn args(snapshot: Option<&str>, observations: Option<&str>, sim_fault: Option<SimFault>) -> DoctorArgs {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples/diagnostics");
    DoctorArgs {
        snapshot: snapshot.map(|f| docs.join(f)),
        observations: observations.map(|f| docs.join(f)),
        guided: None,
        target: Target {
            json: true,
            no_color: true,
            sim_fault,
            ..Target::default()
        },
        locale: LocaleArg::default(),
    }
}

async fn usage(args: &DoctorArgs) -> String {
    match report(args, &Language::english()).await {
        Err(CliError::Usage(message)) => message,
        Err(CliError::Latchkey(e)) => panic!("expected a usage error, got {e}"),
        Ok(_) => panic!("expected a usage error"),
    }
}

#[tokio::test]
async fn a_snapshot_file_gives_its_findings_as_json() {
    let (report, lock) = report(&args(Some("android.json"), None, None), &Language::english())
        .await
        .unwrap();
    assert!(lock.is_none());
    let json: serde_json::Value = serde_json::from_str(&report::to_json(&report)).unwrap();
    let first = &json["findings"][0];
    assert_eq!(first["code"], "android_scan_permission_blocked");
    assert_eq!(first["severity"], "blocks_unlock");
    assert_eq!(first["action"], "open_app_settings");
    assert!(first["title"].is_string() && first["steps"].is_array());
    assert_eq!(json["lock_source"], "none");
}

#[tokio::test]
async fn observations_join_the_snapshot() {
    let (report, _) = report(
        &args(Some("linux-healthy.json"), Some("observations-jammed.json"), None),
        &Language::english(),
    )
    .await
    .unwrap();
    assert_eq!(report.findings[0].code.as_str(), "lock_jammed");
    let text = report::to_text(&report, Style::plain());
    assert!(
        text.contains("1. The bolt is stuck [blocks unlock] (lock_jammed)"),
        "{text}"
    );
    assert!(text.contains("   1) "), "{text}");
}

#[tokio::test]
async fn a_bad_file_is_reported_not_panicked_on() {
    let err = usage(&args(Some("no-such-file.json"), None, None)).await;
    assert!(err.contains("cannot read"), "{err}");
    let err = usage(&args(Some("observations-jammed.json"), None, None)).await;
    assert!(err.contains("not valid"), "{err}");
}

#[tokio::test]
async fn the_simulated_lock_is_diagnosed_with_the_fault_the_resident_ran_into() {
    let site = Site::open(&args(None, None, Some(SimFault::MisalignedStrike)).target)
        .await
        .unwrap();
    let meta = site.lock(Some("front door")).await.unwrap();
    let (obs, source) = read_lock(&site, &meta).await.unwrap();
    assert!(obs.mechanics.bolt_not_thrown, "{obs:?}");
    assert!(source.contains("status read"), "{source}");

    let site = Site::open(&Target::default()).await.unwrap();
    let meta = site.lock(None).await.unwrap();
    let (obs, _) = read_lock(&site, &meta).await.unwrap();
    assert!(!obs.mechanics.any_fault(), "{obs:?}");
    let healthy = platform::for_site(&site, &Target::default()).await.snapshot;
    let findings = diagnose(&healthy, &obs);
    assert!(
        findings.iter().all(|f| f.code != FindingCode::LockJammed),
        "{findings:?}"
    );
    assert!(matches!(healthy.device, DeviceSnapshot::Linux(_)));
}
