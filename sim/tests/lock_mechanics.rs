//! Battery, motor, bolt and door: results report what the hardware did,
//! status reports every fault, and the log records them.

mod common;

use common::World;
use latchkey_protocol::{
    Advertisement, BoltState, Command, DoorState, EventKind, Faults, ResultCode, SessionRequest, SessionResponse,
};
use latchkey_sim::lock::{Fault, LockConfig};
use latchkey_sim::Peripheral;

#[test]
fn jammed_bolt_is_reported_as_jammed_not_as_success() {
    let mut w = World::new();
    let mut phone = w.owner();
    w.lock.inject(Fault::JammedBolt);
    let reply = phone.auth(&mut w.lock, Command::Unlock);
    assert_eq!(reply.code(), ResultCode::Jammed);
    assert_eq!(reply.result.status.bolt, BoltState::Jammed);
    assert!(reply.result.status.faults.has(Faults::MOTOR_STALL));
    assert!(
        reply.result.lock_ephemeral.is_some(),
        "the phone may still read status and events"
    );
    assert_eq!(w.lock.actuation_count(), 1, "the motor ran and stalled");
    let event = w.lock.events().last().copied().expect("event");
    assert_eq!(event.kind, EventKind::Jammed);
    assert_eq!(event.result, ResultCode::Jammed as u8);
    assert!(w.lock.advertisement().has(Advertisement::FAULT));

    // Fast path too.
    let fast = phone.fast(&mut w.lock, Command::Lock);
    assert_eq!(fast.code, ResultCode::Jammed);
    assert_eq!(fast.status.bolt, BoltState::Jammed);

    w.lock.clear_faults();
    assert_eq!(w.lock.status().bolt, BoltState::Unknown);
    assert_eq!(phone.fast(&mut w.lock, Command::Lock).code, ResultCode::Ok);
    assert_eq!(w.lock.status().bolt, BoltState::Locked);
    assert!(!w.lock.status().faults.has(Faults::MOTOR_STALL));
}

#[test]
fn misaligned_strike_leaves_the_bolt_partially_thrown() {
    let mut w = World::new();
    let mut phone = w.owner();
    w.lock.inject(Fault::MisalignedStrike);
    assert_eq!(
        phone.auth(&mut w.lock, Command::Unlock).code(),
        ResultCode::Ok,
        "unlocking still works"
    );
    let result = phone.fast(&mut w.lock, Command::Lock);
    assert_eq!(result.code, ResultCode::BoltNotThrown);
    assert_eq!(result.status.bolt, BoltState::PartiallyThrown);
    assert!(result.status.faults.has(Faults::BOLT_NOT_THROWN));
    assert_eq!(w.lock.events().last().map(|e| e.kind), Some(EventKind::BoltNotThrown));
}

#[test]
fn locking_with_the_door_open_is_door_ajar() {
    let mut w = World::new();
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    w.lock.inject(Fault::DoorOpen);
    let moves = w.lock.actuation_count();
    let result = phone.fast(&mut w.lock, Command::Lock);
    assert_eq!(result.code, ResultCode::DoorAjar);
    assert_eq!(result.status.door, DoorState::Open);
    assert!(result.status.faults.has(Faults::DOOR_AJAR));
    assert_eq!(w.lock.actuation_count(), moves);
    assert_eq!(w.lock.status().bolt, BoltState::Unlocked);

    w.lock.inject(Fault::DoorClosed);
    assert!(!w.lock.status().faults.has(Faults::DOOR_AJAR));
    assert_eq!(phone.fast(&mut w.lock, Command::Lock).code, ResultCode::Ok);
    let kinds: Vec<EventKind> = w.lock.events().iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&EventKind::DoorOpened));
    assert!(kinds.contains(&EventKind::DoorClosed));
}

#[test]
fn door_left_open_becomes_a_fault() {
    let mut w = World::new();
    w.lock.inject(Fault::DoorOpen);
    assert!(!w.lock.status().faults.has(Faults::DOOR_AJAR));
    w.clock.advance_secs(60);
    assert!(w.lock.status().faults.has(Faults::DOOR_AJAR));
    assert!(w.lock.advertisement().has(Advertisement::FAULT));
}

#[test]
fn critical_battery_refuses_to_drive_the_motor() {
    let mut w = World::new();
    let mut phone = w.owner();
    w.lock.inject(Fault::BatteryMv(4300));
    let reply = phone.auth(&mut w.lock, Command::Unlock);
    assert_eq!(reply.code(), ResultCode::BatteryCritical);
    assert!(reply.result.status.faults.has(Faults::BATTERY_CRITICAL));
    assert_eq!(reply.result.status.battery_percent, 0);
    assert_eq!(w.lock.actuation_count(), 0);
    assert_eq!(w.lock.status().bolt, BoltState::Locked);
}

#[test]
fn battery_drains_and_its_low_crossing_is_logged_once() {
    let mut w = World::with_config(LockConfig {
        battery_mv: 4820,
        battery_drop_per_actuation_mv: 10,
        ..LockConfig::default()
    });
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    assert_eq!(w.lock.status().battery_mv, 4810);
    assert!(!w.lock.advertisement().has(Advertisement::BATTERY_LOW));
    for command in [Command::Lock, Command::Unlock, Command::Lock] {
        assert_eq!(phone.fast(&mut w.lock, command).code, ResultCode::Ok);
    }
    let status = w.lock.status();
    assert_eq!(status.battery_mv, 4780);
    assert!(status.faults.has(Faults::BATTERY_LOW));
    assert!(w.lock.advertisement().has(Advertisement::BATTERY_LOW));
    let low: Vec<_> = w
        .lock
        .events()
        .into_iter()
        .filter(|e| e.kind == EventKind::BatteryLow)
        .collect();
    assert_eq!(low.len(), 1);
    assert_eq!(low[0].detail, 4790);
}

#[test]
fn status_in_session_reports_every_hardware_state() {
    let mut w = World::new();
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    w.lock.inject(Fault::JammedBolt);
    w.lock.inject(Fault::BatteryMv(4700));
    w.lock.inject(Fault::DoorOpen);
    let actuated = phone.session(
        &mut w.lock,
        SessionRequest::Actuate {
            command: Command::Unlock,
            command_id: latchkey_protocol::CommandId([4; 8]),
        },
    );
    assert_eq!(actuated.code(), ResultCode::Jammed);
    let SessionResponse::Status(ResultCode::Ok, Some(status)) = phone.session(&mut w.lock, SessionRequest::Status)
    else {
        panic!("expected status");
    };
    assert_eq!(status.bolt, BoltState::Jammed);
    assert_eq!(status.door, DoorState::Open);
    assert_eq!(status.battery_mv, 4699);
    assert!(status.faults.has(Faults::MOTOR_STALL));
    assert!(status.faults.has(Faults::BATTERY_LOW));
    assert!(!status.faults.has(Faults::BATTERY_CRITICAL));
    assert_eq!(status.epoch, 1);
    assert_eq!(status.event_head, w.lock.events().last().map_or(0, |e| e.seq));
}
