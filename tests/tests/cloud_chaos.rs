//! 10,000 events uploaded to the reference cloud through random 503s,
//! 429s with Retry-After, connections dropped after the commit, answers
//! stalled mid-body, 401s and slow answers: the cloud ends with exactly
//! 10,000 unique events, in order per lock, and the phone's outbox is empty.

use latchkey_tests::sync_bench::chaos;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_events_arrive_exactly_once_and_in_order_through_chaos() {
    let run = chaos::run(10_000, 100, 7).await.unwrap();
    assert_eq!(run.server_unique, 10_000, "{run:?}");
    assert_eq!(run.lost, 0, "{run:?}");
    assert_eq!(run.out_of_order, 0, "{run:?}");
    assert_eq!(run.left_on_phone, 0, "{run:?}");
    // Every kind of fault was exercised, and dropped answers were resent.
    let f = run.faults;
    assert!(
        f.unauthorized > 0
            && f.unavailable > 0
            && f.rate_limited > 0
            && f.dropped_after_commit > 0
            && f.stalled > 0
            && f.slowed > 0,
        "{f:?}"
    );
    assert!(run.duplicates_delivered > 0, "{run:?}");
}
