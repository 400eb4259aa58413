//! Discovering the crash points a scene passes, and one kill run per
//! point and passage.

use super::check;
use crate::sync_bench::crash_scene::CrashScene;
use crate::sync_bench::harness::SceneError;
use crate::sync_bench::phone_child::ChildEnd;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// A crash point and its passage.
type Kill = (&'static str, u64);

/// Events queued in each scene: three uploads of 50.
const EVENTS: u64 = 120;
/// Events the cloud refuses for good, queued after them (dead letters).
const REFUSED: u64 = 2;
/// The kill that leaves a store not closed cleanly, for the recovery stage.
const FIRST_DEATH: (&str, u64) = ("sync.upload.committed_not_confirmed", 1);

/// One kill run.
#[derive(Debug, Clone)]
pub struct PointRun {
    /// `sync` (a fresh phone syncing), `recovery` (its restart after a
    /// death mid-upload), `unlock` (a phone unlocking the lock), `renewal`
    /// (the same, its key due for renewal), `quarantine` (the same, its
    /// store damaged) or `ingest` (the same, taking in a widget's
    /// journals).
    pub stage: &'static str,
    /// The crash point.
    pub point: String,
    /// Which passage of it (from 1).
    pub hit: u64,
    /// Whether the child died there (not: it never got there).
    pub landed: bool,
    /// The invariants the run broke, in words.
    pub violations: Vec<String>,
}

/// All runs.
#[derive(Debug, Clone)]
pub struct Report {
    /// Distinct crash points killed at.
    pub points: usize,
    /// Kill runs.
    pub runs: usize,
    /// Runs whose child died at its point.
    pub landed: usize,
    /// Violations over all runs.
    pub violations: usize,
    /// Each run.
    pub results: Vec<PointRun>,
}

impl Report {
    /// One JSON object, the runs in `results`.
    pub fn json(&self) -> String {
        let results: Vec<serde_json::Value> = self
            .results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "stage": r.stage, "point": r.point, "hit": r.hit,
                    "landed": r.landed, "violations": r.violations,
                })
            })
            .collect();
        serde_json::json!({
            "points": self.points, "runs": self.runs, "landed": self.landed,
            "violations": self.violations, "results": results,
        })
        .to_string()
    }
}

/// Discovers the points, kills at each (first passage; with `!quick` also
/// the last), checks every run.
pub async fn run(exe: &Path, quick: bool) -> Result<Report, SceneError> {
    let fresh = trace(exe, &[]).await?;
    let recovery = trace(exe, &[FIRST_DEATH]).await?;
    // (stage, kills before, point, passage)
    let mut plan: Vec<(&'static str, Vec<Kill>, String, u64)> = Vec::new();
    for (point, count) in &fresh {
        for hit in passages(*count, quick) {
            plan.push(("sync", Vec::new(), point.clone(), hit));
        }
    }
    // The recovery path: what a fresh sync never passes, and the store's
    // opening steps (they differ after a death).
    for (point, count) in &recovery {
        let new = !fresh.iter().any(|(p, _)| p == point);
        if new || point.starts_with("store.generation") || point.starts_with("store.marker") {
            let hits = if new { passages(*count, quick) } else { vec![1] };
            for hit in hits {
                plan.push(("recovery", vec![FIRST_DEATH], point.clone(), hit));
            }
        }
    }
    let mut results = Vec::new();
    for (stage, before, point, hit) in plan {
        results.push(kill_run(exe, stage, &before, point, hit).await?);
    }
    let mut covered: BTreeSet<String> = fresh.iter().chain(&recovery).map(|(p, _)| p.clone()).collect();
    results.extend(super::unlock_runs::kill_each(exe, &mut covered, quick).await?);
    let points: BTreeSet<&str> = results.iter().map(|r| r.point.as_str()).collect();
    Ok(Report {
        points: points.len(),
        runs: results.len(),
        landed: results.iter().filter(|r| r.landed).count(),
        violations: results.iter().map(|r| r.violations.len()).sum(),
        results,
    })
}

pub(super) fn passages(count: u64, quick: bool) -> Vec<u64> {
    if quick || count < 2 {
        vec![1]
    } else {
        vec![1, count]
    }
}

/// A phone with a current key to download, [`EVENTS`] queued and
/// [`REFUSED`] after them.
async fn sync_scene(exe: &Path, work: &Path) -> Result<CrashScene, SceneError> {
    let mut scene = CrashScene::new(exe, work, true).await?;
    scene.queue(EVENTS)?;
    scene.queue_refused(REFUSED)?;
    Ok(scene)
}

/// The points a child passes (in order of first passage, with counts)
/// after the kills in `before`.
async fn trace(exe: &Path, before: &[(&str, u64)]) -> Result<Vec<(String, u64)>, SceneError> {
    let work = tempfile::tempdir()?;
    let scene = sync_scene(exe, work.path()).await?;
    for (point, hit) in before {
        if scene.child.crash_at(point, *hit)? != ChildEnd::Crashed {
            return Err(format!("the phone never reached {point}#{hit}").into());
        }
    }
    let file = work.path().join("trace");
    scene.child.trace(&file)?;
    scene.cloud.shutdown().await;
    read_trace(&file)
}

/// The points a trace file names, in order of first passage, with how
/// often each was passed.
pub(super) fn read_trace(file: &Path) -> Result<Vec<(String, u64)>, SceneError> {
    let mut order: Vec<String> = Vec::new();
    let mut counts: HashMap<String, u64> = HashMap::new();
    for line in std::fs::read_to_string(file)?.lines() {
        let n = counts.entry(line.to_string()).or_insert(0);
        if *n == 0 {
            order.push(line.to_string());
        }
        *n += 1;
    }
    Ok(order.into_iter().map(|p| (p.clone(), counts[&p])).collect())
}

/// A fresh scene, the kills in `before`, the kill at `point`#`hit`, a
/// restart to the end, and the checks.
async fn kill_run(
    exe: &Path,
    stage: &'static str,
    before: &[(&str, u64)],
    point: String,
    hit: u64,
) -> Result<PointRun, SceneError> {
    let work = tempfile::tempdir()?;
    let scene = sync_scene(exe, work.path()).await?;
    for (p, h) in before {
        if scene.child.crash_at(p, *h)? != ChildEnd::Crashed {
            return Err(format!("the phone never reached {p}#{h}").into());
        }
    }
    let landed = scene.child.crash_at(&point, hit)? == ChildEnd::Crashed;
    let violations = match scene.child.run_until_idle() {
        Ok(()) => check::after_recovery(&scene)?,
        Err(e) => vec![format!("the phone did not recover: {e}")],
    };
    scene.cloud.shutdown().await;
    Ok(PointRun {
        stage,
        point,
        hit,
        landed,
        violations,
    })
}
