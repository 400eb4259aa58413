//! How frames map to packets at each MTU.

mod radio_support;

use latchkey_sim::radio::LinkParams;
use radio_support::{connect, request, setup, state};

#[test]
fn a_38_byte_frame_takes_two_packets_at_mtu_23() {
    // MTU 23 leaves 20 bytes per packet: 1 framing header byte and 19 data
    // bytes, so 38 bytes need exactly two packets.
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    link.send_frame(&request(38)).unwrap();
    link.recv_frame(1_000).unwrap();

    let stats = link.stats();
    assert_eq!(stats.packets_up, 2);
    assert_eq!(stats.bytes_up, 38);
    assert_eq!(stats.packet_bytes_up, 40);
    assert_eq!(stats.att_bytes_up(), 46);
    assert_eq!(stats.frames_up, 1);
    assert_eq!(state(&echo).requests, vec![request(38)]);
}

#[test]
fn a_38_byte_frame_takes_one_packet_at_mtu_185_and_247() {
    for params in [LinkParams::mtu185(), LinkParams::mtu247()] {
        let (radio, echo) = setup(20, 0);
        let mut link = connect(&radio, params);
        link.send_frame(&request(38)).unwrap();
        link.recv_frame(1_000).unwrap();

        let stats = link.stats();
        assert_eq!(stats.packets_up, 1, "mtu {}", params.mtu);
        assert_eq!(stats.packet_bytes_up, 39);
        assert_eq!(state(&echo).requests.len(), 1);
    }
}

#[test]
fn the_answer_is_fragmented_at_the_mtu_and_reassembled_by_the_phone() {
    // 100 bytes at MTU 23: 19 + 19 + 19 + 19 + 19 + 5 → 6 notifications.
    let (radio, echo) = setup(100, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    link.send_frame(&request(10)).unwrap();
    let answer = link.recv_frame(1_000).unwrap();

    assert_eq!(answer.len(), 100);
    assert_eq!(answer[0], radio_support::ANSWER_MARKER);
    let stats = link.stats();
    assert_eq!((stats.packets_down, stats.bytes_down, stats.frames_down), (6, 100, 1));
    assert_eq!(stats.packet_bytes_down, 106);
    assert_eq!(state(&echo).connects, vec![23]);
}

#[test]
fn raw_packets_reach_the_peripheral_as_written() {
    let (radio, echo) = setup(4, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    // A single-packet frame written by hand: header 0xC0 (first | last).
    link.write_packet(&[0xc0, 1, 2, 3]).unwrap();
    let packet = link.next_notification(1_000).unwrap();

    assert_eq!(packet[0], 0xc0, "a 4-byte answer fits one packet");
    assert_eq!(state(&echo).requests, vec![vec![1, 2, 3]]);
}

#[test]
fn a_packet_longer_than_the_mtu_allows_is_refused() {
    let (radio, _echo) = setup(4, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    let err = link.write_packet(&[0xc0; 21]).unwrap_err();
    assert_eq!(
        err,
        latchkey_sim::radio::LinkError::PacketTooLarge { size: 21, limit: 20 }
    );
}

#[test]
fn an_oversized_frame_is_a_framing_error() {
    let (radio, _echo) = setup(4, 0);
    let mut link = connect(&radio, LinkParams::mtu185());
    let err = link.send_frame(&request(2_000)).unwrap_err();
    assert!(matches!(err, latchkey_sim::radio::LinkError::Framing(_)), "{err:?}");
}
