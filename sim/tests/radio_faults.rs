//! Injected drops and link losses behave as on a real link.

mod radio_support;

use latchkey_protocol::framing::REASSEMBLY_TIMEOUT_MS;
use latchkey_protocol::{Frame, ProtocolError, ResultCode};
use latchkey_sim::radio::{FaultPlan, LinkError, LinkParams};
use radio_support::{connect, params, request, setup, state, LOCK};

// Every scenario connects at 0; the link is established at A = 150 and its
// events fall at 180, 210, 240, ...; the supervision timeout is 2 000 ms.

#[test]
fn a_lost_single_packet_request_leaves_the_phone_waiting() {
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu185());
    link.set_faults(FaultPlan::none().drop_up(1));
    link.send_frame(&request(38)).unwrap();

    assert_eq!(link.recv_frame(1_000), Err(LinkError::Timeout { waited_ms: 1_000 }));
    assert!(state(&echo).requests.is_empty());
    assert_eq!(link.stats().packets_up, 1, "the lost packet still used air time");
}

#[test]
fn a_lost_first_packet_makes_the_lock_reject_the_continuation() {
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    link.set_faults(FaultPlan::none().drop_up(1));
    link.send_frame(&request(38)).unwrap();

    let answer = link.recv_frame(1_000).unwrap();
    assert_eq!(Frame::decode(&answer), Ok(Frame::Error(ResultCode::BadRequest)));
    assert!(state(&echo).requests.is_empty());
}

#[test]
fn a_lost_last_packet_ends_in_the_locks_reassembly_timeout() {
    // The first packet reaches the lock at 180; its reassembly gives up at
    // the first event more than 2 000 ms later (2 190), and the ERROR
    // frame goes out at the next event: 2 220.
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    link.set_faults(FaultPlan::none().drop_up(2));
    link.send_frame(&request(38)).unwrap();

    let answer = link.recv_frame(5_000).unwrap();
    assert_eq!(Frame::decode(&answer), Ok(Frame::Error(ResultCode::FrameIncomplete)));
    assert_eq!(link.now_ms(), 180 + REASSEMBLY_TIMEOUT_MS + 40);
    assert!(state(&echo).requests.is_empty());
}

#[test]
fn a_lost_middle_answer_packet_is_a_framing_error_on_the_phone() {
    // A 40-byte answer at MTU 23 is three packets; the second is lost.
    let (radio, _echo) = setup(40, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    link.set_faults(FaultPlan::none().drop_down(2));
    link.send_frame(&request(10)).unwrap();

    assert_eq!(
        link.recv_frame(1_000),
        Err(LinkError::Framing(ProtocolError::FragmentOutOfOrder {
            expected: 1,
            got: 2
        }))
    );
}

#[test]
fn a_lost_last_answer_packet_times_out_the_phones_reassembly() {
    // The three answer packets share the event at 210 (4 per event); the
    // last is lost, so the phone's frame, started at 210, never completes
    // and its reassembly gives up 2 000 ms later.
    let (radio, _echo) = setup(40, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    link.set_faults(FaultPlan::none().drop_down(3));
    link.send_frame(&request(10)).unwrap();

    assert!(matches!(link.recv_frame(1_000), Err(LinkError::Timeout { .. })));
    assert!(matches!(
        link.recv_frame(3_000),
        Err(LinkError::Framing(ProtocolError::ReassemblyTimeout { .. }))
    ));
}

#[test]
fn disconnect_before_the_answer_leaves_the_phone_unsure_but_the_lock_acted() {
    // The request reaches the lock at 180, the link drops right after; the
    // phone learns at 180 + 2 000 = 2 180.
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu185());
    link.set_faults(FaultPlan::none().disconnect_after_requests(1));
    link.send_frame(&request(38)).unwrap();

    // Before the supervision timeout the phone only sees silence.
    assert_eq!(link.recv_frame(1_000), Err(LinkError::Timeout { waited_ms: 1_000 }));
    assert!(link.is_connected());
    assert_eq!(link.recv_frame(5_000), Err(LinkError::Disconnected));
    assert_eq!(link.now_ms(), 2_180);
    assert!(!link.is_connected());
    assert_eq!(link.send_frame(&request(38)), Err(LinkError::Disconnected));

    let echo = state(&echo);
    assert_eq!(echo.requests, vec![request(38)], "the lock processed the request");
    assert_eq!(echo.disconnects, 1);
    assert_eq!(link.stats().frames_down, 0);
}

#[test]
fn disconnect_part_way_through_the_request_means_the_lock_never_had_it() {
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, params(23, 1));
    link.set_faults(FaultPlan::none().disconnect_after_up_packets(1));
    link.send_frame(&request(38)).unwrap();

    assert_eq!(link.recv_frame(5_000), Err(LinkError::Disconnected));
    assert!(state(&echo).requests.is_empty());
    assert_eq!(link.stats().packets_up, 1);
}

#[test]
fn disconnect_part_way_through_the_answer() {
    let (radio, echo) = setup(40, 0);
    let mut link = connect(&radio, LinkParams::mtu23());
    link.set_faults(FaultPlan::none().disconnect_after_down_packets(1));
    link.send_frame(&request(10)).unwrap();

    assert_eq!(link.recv_frame(5_000), Err(LinkError::Disconnected));
    assert_eq!(state(&echo).requests.len(), 1);
    assert_eq!(link.stats().packets_down, 1);
}

#[test]
fn faults_queued_on_the_radio_apply_to_the_next_connection_only() {
    let (radio, echo) = setup(20, 0);
    radio.set_next_faults(FaultPlan::none().disconnect_after_requests(1));
    let mut link = connect(&radio, LinkParams::mtu185());
    link.send_frame(&request(38)).unwrap();
    assert_eq!(link.recv_frame(5_000), Err(LinkError::Disconnected));
    drop(link);

    let mut link = connect(&radio, LinkParams::mtu185());
    link.send_frame(&request(38)).unwrap();
    assert!(link.recv_frame(1_000).is_ok());
    assert_eq!(state(&echo).requests.len(), 2);
}

#[test]
fn a_lock_leaving_range_drops_the_link() {
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu185());
    radio.set_in_range(LOCK, false).unwrap();
    link.send_frame(&request(38)).unwrap();

    assert_eq!(link.recv_frame(5_000), Err(LinkError::Disconnected));
    assert!(state(&echo).requests.is_empty());
    assert_eq!(state(&echo).disconnects, 1);
}

#[test]
fn a_lock_powered_off_mid_connection_drops_the_link() {
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu185());
    link.send_frame(&request(38)).unwrap();
    link.recv_frame(1_000).unwrap();
    radio.set_powered(LOCK, false).unwrap();

    link.send_frame(&request(38)).unwrap();
    assert_eq!(link.recv_frame(5_000), Err(LinkError::Disconnected));
    assert_eq!(state(&echo).requests.len(), 1);
}

#[test]
fn a_closed_connection_refuses_further_use_and_frees_the_lock() {
    let (radio, echo) = setup(20, 0);
    let mut link = connect(&radio, LinkParams::mtu185());
    link.send_frame(&request(38)).unwrap();
    link.disconnect();
    link.disconnect();

    assert!(!link.is_connected());
    assert_eq!(link.send_frame(&request(38)), Err(LinkError::NotConnected));
    assert_eq!(link.recv_frame(1_000), Err(LinkError::NotConnected));
    assert!(state(&echo).requests.is_empty(), "queued packets never went out");
    assert_eq!(state(&echo).disconnects, 1);
    assert!(radio.connect(LOCK, LinkParams::mtu185()).is_ok());
}

#[test]
fn a_second_central_cannot_connect_to_a_connected_lock() {
    let (radio, _echo) = setup(20, 0);
    let _link = connect(&radio, LinkParams::mtu185());
    assert_eq!(
        radio.connect(LOCK, LinkParams::mtu185()).unwrap_err(),
        LinkError::AlreadyConnected(LOCK.to_string())
    );
}
