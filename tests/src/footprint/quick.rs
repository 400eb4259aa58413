//! `quick_unlock`: a widget's process started afresh, `starts` times, with
//! the app's store full (10,000 keys, 100,000 queued events). Cold start
//! is from just before the process is spawned to the first packet of the
//! command arriving at the lock's socket (the first byte the quick path
//! hands to the transport); peak RSS is the process's own VmHWM.

use super::procs::{acknowledged, quick_args, rss_mb, Running};
use super::site::Site;
use crate::sync_bench::harness::SceneError;
use std::path::Path;
use std::time::Instant;

/// What the quick path measured.
#[derive(Debug, Clone, PartialEq)]
pub struct QuickFigures {
    /// Process starts measured.
    pub starts: u32,
    /// Median cold start, ms.
    pub cold_start_ms: f64,
    /// Slowest cold start, ms.
    pub cold_start_max_ms: f64,
    /// Highest peak RSS of the processes, MB.
    pub peak_rss_mb: f64,
}

impl QuickFigures {
    /// One JSON object.
    pub fn json(&self) -> String {
        format!(
            r#"{{"starts":{},"cold_start_ms":{:.1},"cold_start_max_ms":{:.1},"peak_rss_mb":{:.1}}}"#,
            self.starts, self.cold_start_ms, self.cold_start_max_ms, self.peak_rss_mb
        )
    }
}

/// Starts `starts` widget processes one after another.
pub fn run(exe: &Path, site: &Site, starts: u32) -> Result<QuickFigures, SceneError> {
    let mut times = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..starts {
        let before = site.socket.first_writes().len();
        let spawned = Instant::now();
        let said = Running::start(exe, &quick_args(site, 1))?.finish()?;
        if acknowledged(&said) != 1 {
            return Err(format!("the quick unlock failed: {said:?}").into());
        }
        let first = site
            .socket
            .first_writes()
            .get(before)
            .copied()
            .ok_or("the lock never got a packet")?;
        times.push(first.duration_since(spawned).as_secs_f64() * 1000.0);
        peak = peak.max(rss_mb(&said).ok_or("the child did not report its RSS")?);
    }
    times.sort_by(f64::total_cmp);
    Ok(QuickFigures {
        starts,
        cold_start_ms: times.get(times.len() / 2).copied().unwrap_or(0.0),
        cold_start_max_ms: times.last().copied().unwrap_or(0.0),
        peak_rss_mb: peak,
    })
}
