//! The guest story against the reference cloud over TLS on loopback: the
//! host issues a guest key through the cloud, the guest syncs once, the
//! network goes away, the guest gets in several times, the events queue,
//! the network returns and every event reaches the cloud exactly once, in
//! order; after checkout the lock refuses the key by its own clock.

use latchkey_core::sync::{IssueKey, SyncOutcome};
use latchkey_core::unlock::NoProgress;
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::{ResultCode, Role};
use latchkey_testkit::scene::{host_and_phone, HostScene};
use latchkey_tests::sync_bench::harness::START;
use std::collections::HashSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_events_reach_the_cloud_once_in_order_and_the_key_stops_at_checkout() {
    let HostScene {
        world,
        lock,
        cloud,
        host,
        other: guest,
        dirs: _dirs,
    } = host_and_phone(START, "Rental", "guest").await;

    // The host issues a two-day stay through the cloud.
    host.online();
    let check_out = START + 2 * 86_400;
    let issued = host
        .engine
        .issue_key(&IssueKey {
            lock_id: lock.id(),
            phone: "guest".into(),
            role: Role::Guest,
            not_before: START,
            not_after: check_out,
            schedule: None,
            offline_allowed: true,
            label: "Rental, guest".into(),
            cert_lifetime_s: None,
        })
        .await
        .unwrap();
    assert_eq!(issued.not_after, check_out);

    // The guest syncs once: lock record, key, time token.
    guest.online();
    let first = guest.engine.sync_until_idle(10).await;
    assert_eq!(first.outcome, SyncOutcome::Completed, "{first:?}");
    assert_eq!(
        (first.locks_updated, first.keys_added, first.time_tokens),
        (1, 1, 1),
        "{first:?}"
    );

    // No network from now on; the guest comes and goes.
    guest.offline();
    for _ in 0..4 {
        guest.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap();
        world.clock.advance_secs(3 * 3600);
        guest.phone.locks().lock(lock.id(), &NoProgress).await.unwrap();
        world.clock.advance_secs(1800);
    }
    assert_eq!(lock.lock().actuation_count(), 8);
    let queued = guest.phone.outbox().len().unwrap();
    assert!(queued >= 16, "lock events and attempts queue up: {queued}");
    let offline = guest.engine.sync_once().await;
    assert_eq!(offline.outcome, SyncOutcome::Offline);
    assert_eq!(offline.requests, 0, "nothing is attempted offline");
    assert_eq!(cloud.event_counts().unwrap().unique, 0);
    let ids: Vec<String> = guest
        .phone
        .outbox()
        .peek(10_000, usize::MAX)
        .unwrap()
        .iter()
        .map(|e| e.id.to_string())
        .collect();

    // The network returns: everything goes up, once.
    guest.online();
    let back = guest.engine.sync_until_idle(10).await;
    assert_eq!(back.outcome, SyncOutcome::Completed, "{back:?}");
    assert_eq!(back.uploaded, queued, "{back:?}");
    assert!(guest.phone.outbox().is_empty().unwrap());
    let again = guest.engine.sync_until_idle(10).await;
    assert_eq!((again.uploaded, again.duplicates), (0, 0));

    let received = cloud.received_events(Some(&lock.id())).unwrap();
    assert_eq!(received.len() as u64, queued);
    let got: Vec<&str> = received.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        got,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "outbox order kept"
    );
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), got.len(), "each event once");
    let seqs: Vec<u64> = received
        .iter()
        .filter(|e| e.event["kind"] == "lock_event")
        .map(|e| e.event["seq"].as_u64().unwrap())
        .collect();
    assert!(seqs.len() >= 8 && seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let status = guest.engine.status().await.unwrap();
    assert_eq!((status.pending_events, status.dead_letters), (0, 0));
    assert!(status.last_success_at.is_some() && status.last_error.is_none());

    // Checkout. The phone itself refuses an expired key…
    guest.offline();
    world
        .clock
        .advance_secs(u64::from(check_out - world.clock.unix_now()) + 60);
    let err = guest.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap_err();
    assert!(matches!(err, LatchkeyError::Refused { lock_result: None, .. }), "{err}");
    // …and winding the phone's clock back does not help: the lock refuses
    // by its own clock.
    guest.clock.set_offset(-86_400);
    let err = guest.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::KeyExpired, "{err}");
    assert!(
        matches!(
            err,
            LatchkeyError::Refused {
                lock_result: Some(ResultCode::KeyExpired),
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(lock.lock().actuation_count(), 8, "the bolt did not move");
    cloud.shutdown().await;
}
