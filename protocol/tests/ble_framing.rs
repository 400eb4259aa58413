//! Frames cut into BLE packets of at most MTU − 3 bytes and put back
//! together, with a hard size limit, a timeout and strict packet order.

use latchkey_protocol::framing::{self, Reassembler, MAX_FRAME, REASSEMBLY_TIMEOUT_MS};
use latchkey_protocol::ProtocolError;

const FIRST: u8 = 0x80;
const LAST: u8 = 0x40;

fn frame(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + len) as u8).collect()
}

fn reassemble(packets: &[Vec<u8>]) -> Result<Option<Vec<u8>>, ProtocolError> {
    let mut r = Reassembler::default();
    let mut out = None;
    for (i, p) in packets.iter().enumerate() {
        assert!(out.is_none(), "a frame came out before its last packet");
        out = r.push(p, i as u64 * 30)?;
    }
    Ok(out)
}

#[test]
fn every_size_up_to_1_kib_survives_at_mtu_23_185_and_247() {
    for mtu in [23u16, 185, 247] {
        let per_packet = usize::from(mtu) - 4;
        for len in 0..=MAX_FRAME {
            let f = frame(len);
            let packets = framing::fragment(&f, mtu).unwrap();
            assert_eq!(packets.len(), len.div_ceil(per_packet).max(1), "mtu {mtu}, {len} bytes");
            assert_eq!(packets.len(), framing::packet_count(len, mtu));
            for (i, p) in packets.iter().enumerate() {
                assert!(p.len() <= usize::from(mtu) - 3, "packet fits the ATT payload");
                assert_eq!(p[0] & FIRST != 0, i == 0);
                assert_eq!(p[0] & LAST != 0, i == packets.len() - 1);
                assert_eq!(usize::from(p[0] & 0x3f), i % 64);
            }
            assert_eq!(reassemble(&packets).unwrap(), Some(f));
        }
    }
}

#[test]
fn a_frame_that_fits_one_packet_costs_one_header_byte() {
    let packets = framing::fragment(&frame(38), 185).unwrap();
    assert_eq!(packets.len(), 1);
    assert_eq!(packets[0].len(), 39);
    assert_eq!(packets[0][0], FIRST | LAST);
    assert_eq!(framing::fragment(&[], 23).unwrap(), vec![vec![FIRST | LAST]]);
    assert_eq!(framing::data_per_packet(23), 19);
    assert_eq!(framing::data_per_packet(0), 19, "below the BLE minimum counts as 23");
}

#[test]
fn a_frame_over_1_kib_is_refused_when_sent() {
    assert_eq!(
        framing::fragment(&frame(MAX_FRAME + 1), 247),
        Err(ProtocolError::FrameTooLarge {
            size: MAX_FRAME + 1,
            limit: MAX_FRAME
        })
    );
}

#[test]
fn a_frame_growing_past_1_kib_is_refused_when_received() {
    // A 1 KiB frame at MTU 247 (243 data bytes a packet) is 5 packets; hold
    // back the last flag and send 100 more bytes.
    let mut packets = framing::fragment(&frame(MAX_FRAME), 247).unwrap();
    let last = packets.len() - 1;
    packets[last][0] &= !LAST;
    let mut extra = vec![LAST | (packets.len() as u8)];
    extra.extend_from_slice(&[0; 100]);
    packets.push(extra);
    assert_eq!(
        reassemble(&packets),
        Err(ProtocolError::FrameTooLarge {
            size: MAX_FRAME + 100,
            limit: MAX_FRAME
        })
    );
}

#[test]
fn a_smaller_limit_is_enforced_too() {
    let mut r = Reassembler::new(20, REASSEMBLY_TIMEOUT_MS);
    let packets = framing::fragment(&frame(21), 23).unwrap();
    assert_eq!(r.push(&packets[0], 0), Ok(None));
    assert_eq!(
        r.push(&packets[1], 0),
        Err(ProtocolError::FrameTooLarge { size: 21, limit: 20 })
    );
}

#[test]
fn packets_out_of_order_are_refused() {
    let mut packets = framing::fragment(&frame(100), 23).unwrap();
    packets.swap(1, 2);
    assert_eq!(
        reassemble(&packets),
        Err(ProtocolError::FragmentOutOfOrder { expected: 1, got: 2 })
    );
}

#[test]
fn a_duplicated_or_lost_packet_is_refused() {
    let packets = framing::fragment(&frame(100), 23).unwrap();
    let mut duplicated = packets.clone();
    duplicated.insert(2, packets[1].clone());
    assert_eq!(
        reassemble(&duplicated),
        Err(ProtocolError::FragmentOutOfOrder { expected: 2, got: 1 })
    );
    let mut lost = packets.clone();
    lost.remove(3);
    assert_eq!(
        reassemble(&lost),
        Err(ProtocolError::FragmentOutOfOrder { expected: 3, got: 4 })
    );
}

#[test]
fn a_continuation_without_a_first_packet_is_refused() {
    let packets = framing::fragment(&frame(100), 23).unwrap();
    let mut r = Reassembler::default();
    assert_eq!(r.push(&packets[1], 0), Err(ProtocolError::UnexpectedContinuation));
    assert!(!r.in_progress());
}

#[test]
fn a_first_packet_with_a_nonzero_index_is_refused() {
    let mut r = Reassembler::default();
    assert_eq!(
        r.push(&[FIRST | 5, 1, 2], 0),
        Err(ProtocolError::FragmentOutOfOrder { expected: 0, got: 5 })
    );
}

#[test]
fn an_empty_packet_is_refused() {
    let mut r = Reassembler::default();
    assert!(matches!(
        r.push(&[], 0),
        Err(ProtocolError::Truncated { field: "header", .. })
    ));
}

#[test]
fn a_frame_whose_packets_stop_arriving_times_out() {
    let packets = framing::fragment(&frame(60), 23).unwrap();
    let mut r = Reassembler::default();
    r.push(&packets[0], 1_000).unwrap();
    // Exactly at the limit is still in time.
    r.push(&packets[1], 1_000 + REASSEMBLY_TIMEOUT_MS).unwrap();
    assert_eq!(
        r.push(&packets[2], 1_001 + REASSEMBLY_TIMEOUT_MS),
        Err(ProtocolError::ReassemblyTimeout {
            elapsed_ms: REASSEMBLY_TIMEOUT_MS + 1,
            limit_ms: REASSEMBLY_TIMEOUT_MS
        })
    );
    assert!(!r.in_progress(), "the partial frame is dropped");
}

#[test]
fn a_waiting_receiver_notices_the_timeout_without_another_packet() {
    let packets = framing::fragment(&frame(60), 23).unwrap();
    let mut r = Reassembler::new(MAX_FRAME, 500);
    assert_eq!(r.check_timeout(10_000), Ok(()), "nothing in progress");
    r.push(&packets[0], 0).unwrap();
    assert!(r.in_progress());
    assert_eq!(r.check_timeout(500), Ok(()));
    assert_eq!(
        r.check_timeout(501),
        Err(ProtocolError::ReassemblyTimeout {
            elapsed_ms: 501,
            limit_ms: 500
        })
    );
    assert!(!r.in_progress());
}

#[test]
fn a_new_first_packet_restarts_reassembly() {
    let abandoned = framing::fragment(&frame(100), 23).unwrap();
    let wanted = frame(50);
    let mut r = Reassembler::default();
    r.push(&abandoned[0], 0).unwrap();
    r.push(&abandoned[1], 0).unwrap();
    let mut out = None;
    for p in framing::fragment(&wanted, 23).unwrap() {
        out = r.push(&p, 0).unwrap();
    }
    assert_eq!(out, Some(wanted));
}

#[test]
fn the_receiver_recovers_after_any_error() {
    let good = frame(70);
    let packets = framing::fragment(&good, 23).unwrap();
    let mut r = Reassembler::default();
    r.push(&packets[0], 0).unwrap();
    assert!(r.push(&packets[2], 0).is_err());
    assert!(r.push(&packets[1], 0).is_err(), "the broken frame is gone");
    let mut out = None;
    for p in &packets {
        out = r.push(p, 0).unwrap();
    }
    assert_eq!(out, Some(good));
}

#[test]
fn the_packet_index_wraps_after_64_packets() {
    // Not reachable with 1 KiB at MTU 23 (54 packets), but a receiver with
    // a larger limit must follow the modulo-64 index.
    let data = frame(70 * 5);
    let chunks: Vec<&[u8]> = data.chunks(5).collect();
    let mut r = Reassembler::new(4_096, REASSEMBLY_TIMEOUT_MS);
    let mut out = None;
    for (i, chunk) in chunks.iter().enumerate() {
        let mut header = (i % 64) as u8;
        if i == 0 {
            header |= FIRST;
        }
        if i == chunks.len() - 1 {
            header |= LAST;
        }
        let mut p = vec![header];
        p.extend_from_slice(chunk);
        out = r.push(&p, 0).unwrap();
    }
    assert_eq!(out, Some(data));
}

#[test]
fn the_largest_frame_at_the_smallest_mtu_fits_the_index_and_the_timeout() {
    // 1 KiB at MTU 23 is 54 packets: below the 64 the index can count, and
    // at one packet per 30 ms connection event 1.6 s, inside the 2 s limit.
    let n = framing::packet_count(MAX_FRAME, 23);
    assert_eq!(n, 54);
    assert!(n <= 64);
    assert!(n as u64 * 30 <= REASSEMBLY_TIMEOUT_MS);
}
