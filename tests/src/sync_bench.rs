//! `latchkey-bench sync [--json]`: the phone's sync engine against the
//! reference cloud on loopback (TLS), and the harness the `cloud_*`
//! scenarios share.
//!
//! - `sync`: drain 100,000 queued events, durable enqueue rate with group
//!   commit, cold open of a store with 10,000 keys and 100,000 events, and
//!   a chaos upload of 10,000 events; prints
//!   `{"drain_100k_s":S,"events_per_request":E,"peak_rss_mb":M,"enqueue_per_s":Q,"cold_open_ms":O,"chaos":{"sent":N,"server_unique":U,"lost":0,"duplicates_delivered":X}}`.
//! - `sync crash --rounds N`: the phone killed mid-upload ([`crash`]).
//! - `sync crash-child …`: the phone child of `crash` and of
//!   `crashpoints` ([`phone_child`], hidden).

pub mod chaos;
pub mod crash;
pub mod crash_scene;
pub mod drain;
pub mod harness;
pub mod phone_child;

/// Events in the benchmark's chaos run.
pub const CHAOS_EVENTS: u64 = 10_000;

/// Entry point of `latchkey-bench sync …`; returns the exit code.
pub fn main(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("crash") => crash::main(&args[1..]),
        Some(phone_child::CHILD_COMMAND) => phone_child::child_main(&args[1..]),
        _ => bench(args.iter().any(|a| a == "--json")),
    }
}

fn bench(json: bool) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("latchkey-bench sync: runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(async {
        let drain = drain::run().await?;
        let chaos = chaos::run(CHAOS_EVENTS, 100, 7).await?;
        Ok::<_, harness::SceneError>((drain, chaos))
    });
    let (drain, chaos) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("latchkey-bench sync: {e}");
            return 1;
        }
    };
    let peak_rss_mb = peak_rss_kb().map_or(-1.0, |kb| kb as f64 / 1024.0);
    if json {
        println!(
            r#"{{"drain_100k_s":{:.2},"events_per_request":{:.1},"peak_rss_mb":{:.1},"enqueue_per_s":{:.0},"cold_open_ms":{:.1},"chaos":{}}}"#,
            drain.drain_s,
            drain.events_per_request,
            peak_rss_mb,
            drain.enqueue_per_s,
            drain.cold_open_ms,
            chaos.json()
        );
    } else {
        println!(
            "drained {} events in {:.2} s ({:.1} per request); enqueue {:.0}/s; cold open {:.1} ms; peak RSS {peak_rss_mb:.1} MB",
            drain::EVENTS,
            drain.drain_s,
            drain.events_per_request,
            drain.enqueue_per_s,
            drain.cold_open_ms
        );
        println!(
            "chaos: {} sent, {} on the cloud, {} lost, {} duplicate deliveries, faults {:?}",
            chaos.sent, chaos.server_unique, chaos.lost, chaos.duplicates_delivered, chaos.faults
        );
    }
    i32::from(chaos.lost != 0 || chaos.server_unique != chaos.sent || chaos.out_of_order != 0)
}

/// Peak resident set size (VmHWM) of this process, in KiB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
