//! A request and its answer over the central driver, on both stacks: the
//! answer reaches the waiting command the moment the platform notifies it
//! (not when a timeout runs out), in order, whole.

mod central_support;

use central_support::{android, apple, Op, Phone, Reply};
use latchkey_core::transport::central::CentralEvent;
use latchkey_core::transport::{FrameLink, Transport};
use latchkey_protocol::framing::fragment;
use std::time::Duration;
use tokio::time::Instant;

const LOCK: &str = "C0:FF:EE:00:00:01";

/// The lock answers every request's last packet with `answer` (as
/// notifications 40 ms and on after the write), and the stack confirms
/// writes as it does.
fn lock_answers(phone: &Phone, answer: Vec<u8>, confirms: bool) {
    phone.fake.on(move |op, _| match op {
        Op::Write(conn, packet) if packet[0] & 0x40 != 0 => {
            let mut later = Vec::new();
            if confirms {
                later.push((5, CentralEvent::WriteDone { conn: *conn, status: 0 }));
            }
            for (i, value) in fragment(&answer, 185).expect("fragments").into_iter().enumerate() {
                later.push((40 + 10 * i as u64, CentralEvent::Notification { conn: *conn, value }));
            }
            Some(Reply::started(later))
        }
        _ => None,
    });
}

async fn exchange_time(phone: Phone, confirms: bool) -> Duration {
    let answer: Vec<u8> = (0..400u16).map(|i| i as u8).collect();
    lock_answers(&phone, answer.clone(), confirms);
    let link = phone
        .central
        .connect(LOCK, Duration::from_secs(5))
        .await
        .expect("connects");
    let mut frames = FrameLink::new(link);
    let started = Instant::now();
    let got = frames
        .exchange(&[1, 2, 3], Duration::from_secs(3))
        .await
        .expect("answer");
    assert_eq!(got, answer, "reassembled in order");
    started.elapsed()
}

/// Android: `onCharacteristicWrite`, then `onCharacteristicChanged` for
/// each answer packet.
#[tokio::test(start_paused = true)]
async fn android_hands_the_answer_over_as_soon_as_it_is_notified() {
    let took = exchange_time(android(), true).await;
    assert!(took < Duration::from_millis(200), "{took:?}");
}

/// CoreBluetooth: no callback for a write without response, then
/// `didUpdateValueFor` for each answer packet.
#[tokio::test(start_paused = true)]
async fn apple_hands_the_answer_over_as_soon_as_it_is_notified() {
    let took = exchange_time(apple(), false).await;
    assert!(took < Duration::from_millis(200), "{took:?}");
}
