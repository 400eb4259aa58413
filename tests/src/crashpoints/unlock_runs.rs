//! The unlock stage: the crash points a phone passes while it syncs,
//! unlocks the parent's lock twice and syncs again, each killed at in turn.

use super::runs::{passages, PointRun};
use super::unlock_scene::UnlockScene;
use crate::sync_bench::harness::SceneError;
use crate::sync_bench::phone_child::ChildEnd;
use std::collections::HashMap;
use std::path::Path;

/// The points the unlock stage passes, in order of first passage, with
/// how often.
pub async fn trace(exe: &Path) -> Result<Vec<(String, u64)>, SceneError> {
    let work = tempfile::tempdir()?;
    let mut scene = UnlockScene::new(exe, work.path()).await?;
    let file = work.path().join("trace");
    scene.trace(&file)?;
    let broken = scene.violations()?;
    scene.close().await;
    if !broken.is_empty() {
        return Err(format!("the unlock scene fails with no crash at all: {}", broken.join("; ")).into());
    }
    let mut order: Vec<String> = Vec::new();
    let mut counts: HashMap<String, u64> = HashMap::new();
    for line in std::fs::read_to_string(&file)?.lines() {
        let n = counts.entry(line.to_string()).or_insert(0);
        if *n == 0 {
            order.push(line.to_string());
        }
        *n += 1;
    }
    Ok(order.into_iter().map(|p| (p.clone(), counts[&p])).collect())
}

/// Kills at each point of `traced` that `already` does not hold (the sync
/// stage covered those), at its first passage (and last unless `quick`).
pub async fn kill_each(
    exe: &Path,
    traced: &[(String, u64)],
    already: &[(String, u64)],
    quick: bool,
) -> Result<Vec<PointRun>, SceneError> {
    let mut results = Vec::new();
    for (point, count) in traced {
        if already.iter().any(|(p, _)| p == point) && !point.starts_with("unlock.") {
            continue;
        }
        for hit in passages(*count, quick) {
            let work = tempfile::tempdir()?;
            let mut scene = UnlockScene::new(exe, work.path()).await?;
            let landed = scene.crash_at(point, hit)? == ChildEnd::Crashed;
            let violations = match scene.run_to_end() {
                Ok(()) => scene.violations()?,
                Err(e) => vec![format!("the phone did not recover: {e}")],
            };
            scene.close().await;
            results.push(PointRun {
                stage: "unlock",
                point: point.clone(),
                hit,
                landed,
                violations,
            });
        }
    }
    Ok(results)
}
