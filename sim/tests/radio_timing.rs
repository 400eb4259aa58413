//! The timing model, checked against figures computed by hand.

mod radio_support;

use latchkey_sim::radio::{replay_framed, LinkParams, LinkStats, Step};
use radio_support::{connect, params, request, setup};

/// One exchange of a `request_len` frame answered by `answer_len` bytes.
fn exchange(params: LinkParams, request_len: usize, answer_len: usize, asym_ops: u64) -> (LinkStats, u64) {
    let (radio, _echo) = setup(answer_len, asym_ops);
    let mut link = connect(&radio, params);
    link.send_frame(&request(request_len)).unwrap();
    link.recv_frame(5_000).unwrap();
    (link.stats(), link.now_ms())
}

#[test]
fn one_round_trip_costs_two_connection_events() {
    // Connecting costs 5 events × 30 ms: anchor A = 150.
    // Request (1 packet at MTU 185) leaves at the first event after A: 180.
    // Lock: 1 ms of frame processing → done at 181.
    // Answer leaves at the first event after 181: 210 = A + 60.
    let (stats, now) = exchange(LinkParams::mtu185(), 38, 20, 0);
    assert_eq!(stats.exchange_ms, 60);
    assert_eq!(now, 210);
    assert_eq!(stats.round_trips, 1);
    assert_eq!(stats.lock_asym_ops, 0);
}

#[test]
fn asymmetric_operations_add_lock_cpu_time() {
    // One op: done at 181 + 20 = 201, still before the event at 210: 60 ms.
    assert_eq!(exchange(LinkParams::mtu185(), 38, 20, 1).0.exchange_ms, 60);
    // Two ops: done at 181 + 40 = 221, answer at 240: 90 ms.
    let (stats, _) = exchange(LinkParams::mtu185(), 38, 20, 2);
    assert_eq!(stats.exchange_ms, 90);
    assert_eq!(stats.lock_asym_ops, 2);
    // A slower MCU (100 ms per op): done at 181 + 200 = 381, answer at 390.
    let slow = LinkParams {
        asym_op_ms: 100,
        ..LinkParams::mtu185()
    };
    assert_eq!(exchange(slow, 38, 20, 2).0.exchange_ms, 240);
}

#[test]
fn packets_beyond_the_per_event_limit_spill_into_later_events() {
    // MTU 23, one packet per event. Request 38 B = 2 packets at 180, 210;
    // lock done 211; answer 40 B = 3 packets at 240, 270, 300 → A + 150.
    let (stats, now) = exchange(params(23, 1), 38, 40, 0);
    assert_eq!((stats.packets_up, stats.packets_down), (2, 3));
    assert_eq!(stats.exchange_ms, 150);
    assert_eq!(now, 300);
    // With the default 4 per event both fit one event each: A + 60.
    assert_eq!(exchange(params(23, 4), 38, 40, 0).0.exchange_ms, 60);
}

#[test]
fn the_same_inputs_give_identical_results() {
    let first = exchange(params(23, 2), 150, 300, 3);
    let second = exchange(params(23, 2), 150, 300, 3);
    assert_eq!(first, second);
}

#[test]
fn a_live_exchange_costs_what_its_replay_costs() {
    for p in [params(23, 1), params(23, 4), LinkParams::mtu185(), LinkParams::mtu247()] {
        let (live, _) = exchange(p, 170, 230, 2);
        let replayed = replay_framed(&p, &[Step::write(170).with_asym_ops(2), Step::notify(230)]);
        assert_eq!(live, replayed, "mtu {} per event {}", p.mtu, p.packets_per_event);
    }
}

#[test]
fn connecting_costs_time_outside_the_measured_exchange() {
    let (radio, _echo) = setup(20, 0);
    let link = connect(&radio, LinkParams::mtu185());
    assert_eq!(link.established_at_ms(), 150);
    assert_eq!(link.stats().exchange_ms, 0);
}

#[test]
fn a_second_request_in_the_same_connection_is_a_second_round_trip() {
    // First answer at 210; the next request leaves at 240, lock done 241,
    // answer at 270 = A + 120.
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu185());
    for _ in 0..2 {
        link.send_frame(&request(38)).unwrap();
        link.recv_frame(1_000).unwrap();
    }
    let stats = link.stats();
    assert_eq!((stats.round_trips, stats.exchange_ms), (2, 120));
    assert_eq!(radio_support::state(&echo).requests.len(), 2);
}

#[test]
fn waiting_without_traffic_moves_the_clock_exactly() {
    let (radio, _echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu185());
    link.wait_ms(1_000);
    assert_eq!(link.now_ms(), 1_150);
    let err = link.recv_frame(250).unwrap_err();
    assert_eq!(err, latchkey_sim::radio::LinkError::Timeout { waited_ms: 250 });
    assert_eq!(link.now_ms(), 1_400);
}
