//! A lock's "events pending" flag clears once any phone has fetched its
//! newest events, so a phone that fetched them and died before storing
//! them (a widget killed mid-command) would leave them uncollected until
//! someone's next unlock. A status check collects from its own cursor
//! regardless: here a second phone stands for every phone whose cursor
//! is behind a lock whose flag is clear.

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::transport::{ScanFilter, Transport};
use latchkey_core::unlock::{NoProgress, UnlockPath};
use latchkey_core::Client;
use latchkey_protocol::Advertisement;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::scene::resident_scene;
use latchkey_testkit::START;
use std::time::Duration;

fn queued_lock_events(phone: &Client) -> Vec<u32> {
    let mut seqs: Vec<u32> = phone
        .outbox()
        .peek(10_000, usize::MAX)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.event {
            OutboxEvent::LockEvent { seq, .. } => Some(seq),
            _ => None,
        })
        .collect();
    seqs.sort_unstable();
    seqs
}

#[tokio::test]
async fn a_status_check_collects_events_another_session_fetched_first() {
    let s = resident_scene(START, LockConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let other = s
        .world
        .phone(dir.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .unwrap();
    let key = s
        .world
        .issue(&other, &s.lock, latchkey_testkit::GrantSpec::resident(START))
        .unwrap();
    other.keys().add_key(key, "other").await.unwrap();

    // The resident's phone unlocks first (AUTH: it now holds a fast key
    // and has collected the lock's log so far).
    let first = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let mine = queued_lock_events(&s.phone).len() as u32;
    assert!(mine >= 1, "{first:?}");

    // The other phone unlocks twice and fetches everything: the flag clears.
    other.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    other.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let head = s.lock.lock().events().len() as u32;
    assert!(head >= 2);
    let radio = s.world.transport(LinkParams::mtu185());
    let filter = ScanFilter {
        short_lock_id: Some(s.lock.id().short()),
        first_match: true,
    };
    let scanned = radio.scan(&filter, Duration::from_secs(2)).await.unwrap();
    assert!(!scanned.is_empty());
    assert!(
        scanned
            .iter()
            .all(|l| !l.advertisement.has(Advertisement::EVENTS_PENDING)),
        "the lock no longer says events are pending"
    );

    // The resident's phone has none of the other's events; its status
    // check (FAST: no full status tells it how far the log goes) collects
    // them.
    let report = s.phone.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.path, UnlockPath::Fast);
    assert_eq!(report.events_collected, head - mine, "{report:?}");
    assert_eq!(queued_lock_events(&s.phone), (1..=head).collect::<Vec<_>>());
}
