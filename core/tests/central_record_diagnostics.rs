//! The diagnostics read the radio facts from the client's own central (the
//! scans it started, the last GATT status) instead of asking the app.

mod central_support;
mod diagnostics_common;

use central_support::{android, Op, Reply};
use diagnostics_common::android as android_snapshot;
use latchkey_core::diagnostics::FindingCode;
use latchkey_core::diagnostics::{diagnose, DeviceSnapshot, LockObservations};
use latchkey_core::transport::central::CentralEvent;
use latchkey_core::transport::{ScanFilter, Transport};
use latchkey_core::ClientBuilder;
use std::sync::Arc;
use std::time::Duration;

fn android_facts(snapshot: &latchkey_core::diagnostics::PlatformSnapshot) -> (u32, Option<i32>) {
    match &snapshot.device {
        DeviceSnapshot::Android(a) => (a.scans_started_last_30s, a.last_gatt_status),
        other => panic!("not android: {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_snapshot_gets_the_centrals_scan_count_and_gatt_status() {
    let phone = android();
    phone.fake.on(|op, _| match op {
        Op::Connect(conn, _) => Some(Reply::started(vec![(
            100,
            CentralEvent::Disconnected {
                conn: *conn,
                status: 133,
            },
        )])),
        _ => None,
    });
    let dir = tempfile::tempdir().expect("dir");
    let client = ClientBuilder::new(dir.path())
        .allow_software_keys()
        .transport(phone.central.clone() as Arc<dyn Transport>)
        .build()
        .await
        .expect("client");
    let any = ScanFilter {
        short_lock_id: None,
        first_match: false,
    };
    for _ in 0..5 {
        phone
            .central
            .scan(&any, Duration::from_millis(100))
            .await
            .expect("scan");
    }
    let failed = phone.central.connect("C0:FF:EE:00:00:01", Duration::from_secs(2)).await;
    assert!(failed.is_err());

    // The app reports neither fact.
    let reported = android_snapshot(34, |_| {});
    assert_eq!(android_facts(&reported), (0, None));
    let completed = client.diagnostics().complete_snapshot(reported);
    assert_eq!(android_facts(&completed), (5, Some(133)));

    let codes: Vec<FindingCode> = diagnose(&completed, &LockObservations::default())
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert!(codes.contains(&FindingCode::AndroidScanThrottled), "{codes:?}");
    assert!(codes.contains(&FindingCode::GattConnectionFailed), "{codes:?}");
}

#[tokio::test(start_paused = true)]
async fn a_transport_without_a_record_leaves_the_snapshot_as_reported() {
    struct NoRecord;
    #[async_trait::async_trait]
    impl Transport for NoRecord {
        async fn scan(
            &self,
            _: &ScanFilter,
            _: Duration,
        ) -> Result<Vec<latchkey_core::transport::ScannedLock>, latchkey_core::transport::TransportError> {
            Ok(vec![])
        }
        async fn connect(
            &self,
            _: &str,
            t: Duration,
        ) -> Result<Box<dyn latchkey_core::transport::Link>, latchkey_core::transport::TransportError> {
            Err(latchkey_core::transport::TransportError::ConnectTimeout(t))
        }
    }
    let dir = tempfile::tempdir().expect("dir");
    let client = ClientBuilder::new(dir.path())
        .allow_software_keys()
        .transport(Arc::new(NoRecord))
        .build()
        .await
        .expect("client");
    assert!(client.diagnostics().radio().is_none());
    let reported = android_snapshot(34, |a| a.last_gatt_status = Some(8));
    let completed = client.diagnostics().complete_snapshot(reported.clone());
    assert_eq!(completed, reported);
}
