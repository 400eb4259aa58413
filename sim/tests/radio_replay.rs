//! The reference protocols replayed on the link model.

use latchkey_sim::radio::{nuki_like, replay_framed, replay_sequence, tedee_like, LinkParams, Step};

/// A one-round-trip exchange of latchkey's repeat-unlock size (38 bytes up,
/// 20 down), framed as latchkey frames are.
fn one_round_trip() -> [Step; 2] {
    [Step::write(38), Step::notify(20)]
}

#[test]
fn the_nuki_like_sequence_costs_more_round_trips_than_one() {
    let ours = replay_framed(&LinkParams::mtu185(), &one_round_trip());
    let nuki = replay_sequence(&LinkParams::mtu185(), nuki_like());
    assert_eq!(ours.round_trips, 1);
    assert_eq!(nuki.round_trips, 2);
    assert_eq!(nuki.frames_down, 5);
    assert!(ours.exchange_ms * 2 <= nuki.exchange_ms, "{ours:?} vs {nuki:?}");
}

#[test]
fn the_tedee_like_sequence_is_four_round_trips_with_three_lock_asym_ops() {
    let tedee = replay_sequence(&LinkParams::mtu185(), tedee_like());
    assert_eq!(tedee.round_trips, 4);
    assert_eq!(tedee.lock_asym_ops, 3);
    assert_eq!(tedee.bytes_up, 153 + 9 + 320 + 19);
    assert_eq!(tedee.bytes_down, 101 + 134 + 20 + 18);
    // W@30; hello ready 31+20=51 → 60; W@90; verify ready 91+20=111 → 120;
    // W(320 B = 2 packets)@150, lock 151+20=171 → 180; W@210; result 240.
    assert_eq!(tedee.exchange_ms, 240);
}

#[test]
fn at_mtu_23_messages_split_into_20_byte_packets() {
    let nuki = replay_sequence(&LinkParams::mtu23(), nuki_like());
    // 56 B → 3 packets, 92 B → 5 packets.
    assert_eq!(nuki.packets_up, 8);
    assert_eq!(nuki.packet_bytes_up, 56 + 92, "no framing header in a replay");
    // Indications one per event: 86 B (5) + 55 (3) + 69 (4) + 69 (4) + 55 (3).
    assert_eq!(nuki.packets_down, 19);
    // Up: 3 + 5 events, down: 19 events, one event each.
    assert_eq!(nuki.exchange_ms, 27 * 30);
}

#[test]
fn a_replay_is_deterministic() {
    for params in [LinkParams::mtu23(), LinkParams::mtu185(), LinkParams::mtu247()] {
        assert_eq!(
            replay_sequence(&params, tedee_like()),
            replay_sequence(&params, tedee_like())
        );
    }
}
