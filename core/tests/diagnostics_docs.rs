//! docs/diagnostics.md can't rot: every example file is shown in the doc
//! as it is, parses, and gives the outcome the doc states; the codes table
//! lists every finding code with its usual severity and action.

use latchkey_core::diagnostics::{
    diagnose, FindingCode, LockObservations, PlatformSnapshot, ReadinessItem, StepId, Symptom,
};
use std::path::{Path, PathBuf};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

fn doc() -> String {
    std::fs::read_to_string(docs().join("diagnostics.md")).expect("docs/diagnostics.md")
}

fn example_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(docs().join("examples/diagnostics"))
        .expect("docs/examples/diagnostics")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

fn example(name: &str) -> String {
    std::fs::read_to_string(docs().join("examples/diagnostics").join(name)).unwrap()
}

fn is_observations(name: &str) -> bool {
    name.starts_with("observations")
}

#[test]
fn every_example_file_is_shown_in_the_doc_as_it_is() {
    let doc = doc();
    let names = example_files();
    assert!(names.len() >= 6, "{names:?}");
    for name in &names {
        let link = format!("](examples/diagnostics/{name})");
        let at = doc
            .find(&link)
            .unwrap_or_else(|| panic!("{name} is not linked from the doc"));
        let rest = &doc[at..];
        let start = rest.find("```json\n").expect("a json block after the link") + "```json\n".len();
        let end = rest[start..].find("\n```").unwrap();
        let shown: serde_json::Value = serde_json::from_str(&rest[start..start + end]).unwrap();
        let file: serde_json::Value = serde_json::from_str(&example(name)).unwrap();
        assert_eq!(shown, file, "the doc shows a different {name}");
    }
}

#[test]
fn every_example_parses_as_a_snapshot_or_observations() {
    for name in example_files() {
        let json = example(&name);
        if is_observations(&name) {
            LockObservations::from_json(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else {
            PlatformSnapshot::from_json(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    let platforms: Vec<&str> = example_files()
        .iter()
        .filter(|n| !is_observations(n))
        .map(|n| PlatformSnapshot::from_json(&example(n)).unwrap().device.platform_name())
        .collect();
    for p in ["android", "ios", "linux", "macos"] {
        assert!(platforms.contains(&p), "no example for {p}");
    }
}

/// Lines like "`latchkey doctor --snapshot docs/examples/diagnostics/X.json
/// [--observations docs/examples/diagnostics/Y.json]` → first finding
/// `code`, action `action`" (or "→ no findings").
#[test]
fn every_outcome_the_doc_states_holds() {
    let prefix = "docs/examples/diagnostics/";
    let mut checked = 0;
    for line in doc().lines().filter(|l| l.starts_with("`latchkey doctor --snapshot ")) {
        let command = line.split('`').nth(1).unwrap();
        let mut words = command.split_whitespace();
        let mut snapshot = None;
        let mut observations = None;
        while let Some(w) = words.next() {
            match w {
                "--snapshot" => snapshot = words.next(),
                "--observations" => observations = words.next(),
                _ => {}
            }
        }
        let snapshot = snapshot.and_then(|s| s.strip_prefix(prefix)).expect(line);
        let snapshot = PlatformSnapshot::from_json(&example(snapshot)).unwrap();
        let observations = observations
            .map(|o| LockObservations::from_json(&example(o.strip_prefix(prefix).unwrap())).unwrap())
            .unwrap_or_default();
        let findings = diagnose(&snapshot, &observations);
        let outcome = line.split('→').nth(1).expect(line);
        if outcome.trim_start().starts_with("no findings") {
            assert!(findings.is_empty(), "{line}: {findings:#?}");
        } else {
            let quoted: Vec<&str> = outcome.split('`').skip(1).step_by(2).collect();
            let first = findings.first().unwrap_or_else(|| panic!("{line}: no findings"));
            assert_eq!(first.code.as_str(), quoted[0], "{line}");
            assert_eq!(first.action.as_str(), quoted[1], "{line}");
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} stated outcomes found");
}

#[test]
fn the_codes_table_lists_every_code_with_its_usual_severity_and_action() {
    let doc = doc();
    for code in FindingCode::ALL {
        let row_start = format!("| `{}` |", code.as_str());
        let row = doc
            .lines()
            .find(|l| l.starts_with(&row_start))
            .unwrap_or_else(|| panic!("{code} is not in the codes table"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[3], code.default_severity().as_str(), "{row}");
        assert_eq!(cells[4], format!("`{}`", code.default_action().as_str()), "{row}");
    }
}

#[test]
fn the_doc_names_every_flow_step_and_checklist_item() {
    let doc = doc();
    for s in Symptom::ALL {
        assert!(doc.contains(&format!("**`{}`**", s.as_str())), "{s:?}");
    }
    for step in [
        StepId::NearLock,
        StepId::LockShowsLife,
        StepId::LockReacts,
        StepId::UsingPinCode,
        StepId::BoltFreeWithDoorOpen,
        StepId::DoorPressureHelps,
        StepId::CheckLock,
    ] {
        assert!(doc.contains(&format!("`{}`", step.as_str())), "{step:?}");
    }
    for item in [
        ReadinessItem::OfflineKey,
        ReadinessItem::RevocationCurrent,
        ReadinessItem::LockClock,
        ReadinessItem::Battery,
        ReadinessItem::LastOfflineUnlock,
        ReadinessItem::BackupEntry,
        ReadinessItem::BackgroundUse,
        ReadinessItem::LockSetup,
        ReadinessItem::EventsUploaded,
        ReadinessItem::DriftCleared,
        ReadinessItem::KeysRenewed,
        ReadinessItem::SyncWorking,
    ] {
        assert!(doc.contains(&format!("| `{}` |", item.as_str())), "{item:?}");
    }
}
