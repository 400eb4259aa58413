//! The unlock stages: the crash points a phone passes while it syncs,
//! unlocks the parent's lock twice and syncs again (fresh, with its key
//! due for renewal, with its store damaged, with a widget's journals to
//! take in), each killed at in turn.

use super::runs::{passages, read_trace, PointRun};
use super::unlock_check::after_unlocks;
use super::unlock_scene::{Prelude, UnlockScene};
use crate::sync_bench::harness::SceneError;
use crate::sync_bench::phone_child::ChildEnd;
use std::collections::BTreeSet;
use std::path::Path;

/// A stage: its name, what happened before, and the points it kills at
/// even when an earlier stage passed them (by prefix): the steps it is
/// there for.
struct Stage {
    name: &'static str,
    prelude: Prelude,
    aims: &'static [&'static str],
}

const STAGES: [Stage; 4] = [
    Stage {
        name: "unlock",
        prelude: Prelude::Fresh,
        aims: &["unlock."],
    },
    Stage {
        name: "renewal",
        prelude: Prelude::KeyHalfway,
        aims: &["sync.renewal.", "store.keys."],
    },
    Stage {
        name: "quarantine",
        prelude: Prelude::DamagedStore,
        aims: &[
            "store.backup.",
            "store.quarantine.",
            "store.generation.",
            "store.marker.",
        ],
    },
    Stage {
        name: "ingest",
        prelude: Prelude::WidgetJournals,
        // Taking the widget's journals in, when the phone's client is
        // built: the marked batch, each record's state, the journals and
        // markers removed; then the widget's FAST counters merged into
        // the store (the first passages of these points).
        aims: &[
            "quick.ingest.",
            "outbox.append.",
            "store.lock_state.",
            "store.fast_keys.",
        ],
    },
];

/// Kills at each point of each stage that `covered` (the points earlier
/// runs passed) does not hold, and at the points the stage aims at; at
/// the first passage (and the last unless `quick`). Adds what each stage
/// passed to `covered`.
pub async fn kill_each(exe: &Path, covered: &mut BTreeSet<String>, quick: bool) -> Result<Vec<PointRun>, SceneError> {
    let mut results = Vec::new();
    for stage in &STAGES {
        let traced = trace(exe, stage.prelude).await?;
        for (point, count) in &traced {
            if covered.contains(point) && !stage.aims.iter().any(|a| point.starts_with(a)) {
                continue;
            }
            for hit in passages(*count, quick) {
                results.push(kill_run(exe, stage, point, hit).await?);
            }
        }
        covered.extend(traced.into_iter().map(|(p, _)| p));
    }
    Ok(results)
}

/// The points a stage's undisturbed run passes, in order of first
/// passage, with how often. Its checks must pass.
async fn trace(exe: &Path, prelude: Prelude) -> Result<Vec<(String, u64)>, SceneError> {
    let work = tempfile::tempdir()?;
    let mut scene = UnlockScene::new(exe, work.path(), prelude).await?;
    let file = work.path().join("trace");
    scene.trace(&file)?;
    let broken = after_unlocks(&scene)?;
    scene.close().await;
    if !broken.is_empty() {
        return Err(format!(
            "the {prelude:?} scene fails with no crash at all: {}",
            broken.join("; ")
        )
        .into());
    }
    read_trace(&file)
}

/// A fresh scene, the kill at `point`#`hit`, a restart to the end, and
/// the checks.
async fn kill_run(exe: &Path, stage: &Stage, point: &str, hit: u64) -> Result<PointRun, SceneError> {
    let work = tempfile::tempdir()?;
    let mut scene = UnlockScene::new(exe, work.path(), stage.prelude).await?;
    let landed = scene.crash_at(point, hit)? == ChildEnd::Crashed;
    let violations = match scene.run_to_end() {
        Ok(()) => after_unlocks(&scene)?,
        Err(e) => vec![format!("the phone did not recover: {e}")],
    };
    scene.close().await;
    Ok(PointRun {
        stage: stage.name,
        point: point.to_string(),
        hit,
        landed,
        violations,
    })
}
