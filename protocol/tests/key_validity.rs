//! Whether a digital key opens this lock now: issuer signature, target
//! lock or group, validity window and weekly schedule, all checked against
//! the lock's own clock. Unix times are worked out by hand in comments.

mod common;

use common::*;
use latchkey_protocol::{DigitalKey, KeyGrant, ProtocolError, ResultCode, Schedule};

const MON: u8 = 1 << 0;
const FRI: u8 = 1 << 4;
const SUN: u8 = 1 << 6;

fn minutes(h: u16, m: u16) -> u16 {
    h * 60 + m
}

fn key_with(schedule: Schedule) -> DigitalKey {
    DigitalKey::issue(
        KeyGrant {
            schedule: Some(schedule),
            not_before: 0,
            not_after: u32::MAX,
            ..grant()
        },
        &parties().issuer,
    )
    .unwrap()
}

#[test]
fn a_key_from_the_commissioned_issuer_verifies() {
    assert_eq!(cert().verify(&parties().issuer.public_key()), Ok(()));
}

#[test]
fn a_key_from_an_unknown_issuer_is_reported_as_such() {
    let p = parties();
    let foreign = DigitalKey::issue(grant(), &p.stranger).unwrap();
    assert_eq!(foreign.verify(&p.issuer.public_key()), Err(ResultCode::UnknownIssuer));
}

#[test]
fn a_key_claiming_our_issuer_but_signed_by_another_is_a_bad_certificate() {
    let p = parties();
    let mut forged = DigitalKey::issue(grant(), &p.stranger).unwrap();
    forged.issuer_id = p.issuer.public_key().issuer_id();
    assert_eq!(forged.verify(&p.issuer.public_key()), Err(ResultCode::BadCertificate));
}

#[test]
fn a_flipped_signature_byte_makes_a_bad_certificate() {
    let issuer = parties().issuer.public_key();
    for at in [0, 31, 32, 63] {
        let mut bytes = cert().encode();
        let sig_at = bytes.len() - 64 + at;
        bytes[sig_at] ^= 0x01;
        let damaged = DigitalKey::decode(&bytes).unwrap();
        assert_eq!(damaged.verify(&issuer), Err(ResultCode::BadCertificate), "byte {at}");
    }
}

#[test]
fn a_guest_cannot_promote_itself_or_stretch_its_stay() {
    let issuer = parties().issuer.public_key();
    let mut promoted = scheduled_cert().clone();
    promoted.grant.role = latchkey_protocol::Role::Owner;
    assert_eq!(promoted.verify(&issuer), Err(ResultCode::BadCertificate));
    let mut stretched = scheduled_cert().clone();
    stretched.grant.not_after += DAY;
    assert_eq!(stretched.verify(&issuer), Err(ResultCode::BadCertificate));
    let mut unscheduled = scheduled_cert().clone();
    unscheduled.grant.schedule = None;
    assert_eq!(unscheduled.verify(&issuer), Err(ResultCode::BadCertificate));
}

#[test]
fn a_key_names_its_lock_or_a_group_the_lock_belongs_to() {
    let p = parties();
    assert!(cert().applies_to(&p.lock_id, &[]));
    assert!(!cert().applies_to(&p.other_lock_id, &[p.lock_id]));

    let group_key = DigitalKey::issue(
        KeyGrant {
            lock_id: p.group_id,
            lock_group: true,
            ..grant()
        },
        &p.issuer,
    )
    .unwrap();
    assert!(group_key.applies_to(&p.lock_id, &[p.group_id]));
    assert!(group_key.applies_to(&p.other_lock_id, &[p.group_id]));
    assert!(!group_key.applies_to(&p.lock_id, &[]));
    // A lock whose own id equals the group id is not thereby in the group.
    assert!(!group_key.applies_to(&p.group_id, &[]));
}

#[test]
fn an_empty_validity_window_is_refused_when_issued_and_when_decoded() {
    let p = parties();
    let empty = KeyGrant {
        not_after: MON_2024_01_01,
        ..grant()
    };
    assert!(matches!(
        DigitalKey::issue(empty, &p.issuer),
        Err(ProtocolError::InvalidField { field: "not_after", .. })
    ));
    // not_after (offset 98) set equal to not_before (offset 94).
    let mut bytes = cert().encode();
    let not_before: [u8; 4] = bytes[94..98].try_into().unwrap();
    bytes[98..102].copy_from_slice(&not_before);
    assert!(matches!(
        DigitalKey::decode(&bytes),
        Err(ProtocolError::InvalidField { field: "not_after", .. })
    ));
}

#[test]
fn validity_starts_at_not_before_and_ends_just_before_not_after() {
    // grant(): 2024-01-01 00:00 UTC .. 2024-02-01 00:00 UTC (exclusive).
    let c = cert();
    let start = MON_2024_01_01;
    let end = MON_2024_01_01 + 31 * DAY; // 1 706 745 600
    assert_eq!(c.check_time(start - 1, 0), Err(ResultCode::KeyNotYetValid));
    assert_eq!(c.check_time(start, 0), Ok(()));
    assert_eq!(c.check_time(end - 1, 0), Ok(()));
    assert_eq!(c.check_time(end, 0), Err(ResultCode::KeyExpired));
    assert_eq!(c.check_time(u32::MAX, 0), Err(ResultCode::KeyExpired));
    assert_eq!(c.check_time(0, 0), Err(ResultCode::KeyNotYetValid));
}

#[test]
fn validity_is_checked_before_the_schedule() {
    // Outside both the window and the schedule: the window is reported.
    let c = scheduled_cert();
    let sunday_before = MON_2024_01_01 - 12 * HOUR; // Sun 2023-12-31 12:00
    assert_eq!(c.check_time(sunday_before, 0), Err(ResultCode::KeyNotYetValid));
}

#[test]
fn workday_key_opens_mon_to_fri_from_8_to_18_only() {
    // scheduled_cert(): Mon–Fri 08:00–18:00, valid all of January 2024.
    let c = scheduled_cert();
    let mon = MON_2024_01_01;
    // Mon 2024-01-01 07:59:59 = 1 704 067 200 + 28 799.
    assert_eq!(c.check_time(mon + 8 * HOUR - 1, 0), Err(ResultCode::OutsideSchedule));
    // Mon 08:00:00 = 1 704 096 000.
    assert_eq!(c.check_time(mon + 8 * HOUR, 0), Ok(()));
    // Mon 17:59:59 = 1 704 131 999.
    assert_eq!(c.check_time(mon + 18 * HOUR - 1, 0), Ok(()));
    // Mon 18:00:00 = 1 704 132 000: the window's end is exclusive.
    assert_eq!(c.check_time(mon + 18 * HOUR, 0), Err(ResultCode::OutsideSchedule));
    // Fri 2024-01-05 12:00 = 1 704 067 200 + 4 days + 12 h = 1 704 456 000.
    assert_eq!(c.check_time(mon + 4 * DAY + 12 * HOUR, 0), Ok(()));
    // Sat 2024-01-06 12:00 = 1 704 542 400.
    assert_eq!(
        c.check_time(mon + 5 * DAY + 12 * HOUR, 0),
        Err(ResultCode::OutsideSchedule)
    );
    // Sun 2024-01-07 12:00 = 1 704 628 800.
    assert_eq!(
        c.check_time(mon + 6 * DAY + 12 * HOUR, 0),
        Err(ResultCode::OutsideSchedule)
    );
}

#[test]
fn overnight_window_belongs_to_the_day_it_starts_on() {
    // Friday only, 22:00–06:00: Friday night into Saturday morning.
    let s = Schedule::new(FRI, minutes(22, 0), minutes(6, 0)).unwrap();
    let fri = MON_2024_01_01 + 4 * DAY; // Fri 2024-01-05 00:00 = 1 704 412 800
    let sat = fri + DAY; // Sat 2024-01-06 00:00 = 1 704 499 200
    assert!(!s.allows(fri + 22 * HOUR - 1, 0), "Fri 21:59:59");
    assert!(s.allows(fri + 22 * HOUR, 0), "Fri 22:00 = 1 704 492 000");
    assert!(s.allows(fri + 24 * HOUR - 1, 0), "Fri 23:59:59");
    assert!(s.allows(sat, 0), "Sat 00:00, across midnight");
    assert!(s.allows(sat + 6 * HOUR - 1, 0), "Sat 05:59:59 = 1 704 520 799");
    assert!(!s.allows(sat + 6 * HOUR, 0), "Sat 06:00: end is exclusive");
    assert!(!s.allows(sat + 22 * HOUR, 0), "Sat 22:00: Saturday is not on");
    // Friday early morning belongs to Thursday's window, which is off.
    assert!(!s.allows(fri + 5 * HOUR, 0), "Fri 05:00 = 1 704 430 800");
}

#[test]
fn overnight_window_on_sunday_runs_into_monday_across_the_week_boundary() {
    let s = Schedule::new(SUN, minutes(22, 0), minutes(6, 0)).unwrap();
    // Mon 2024-01-08 03:00 = 1 704 067 200 + 7 days + 3 h = 1 704 682 800:
    // the window opened on Sun 2024-01-07 at 22:00.
    assert!(s.allows(MON_2024_01_01 + 7 * DAY + 3 * HOUR, 0));
    // Mon 2024-01-01 03:00 (after Sun 2023-12-31 22:00) too.
    assert!(s.allows(MON_2024_01_01 + 3 * HOUR, 0));
    // Sun 2024-01-07 03:00 belongs to Saturday, which is off.
    assert!(!s.allows(MON_2024_01_01 + 6 * DAY + 3 * HOUR, 0));
    // Mon 22:00 is Monday's window, which is off.
    assert!(!s.allows(MON_2024_01_01 + 22 * HOUR, 0));
}

#[test]
fn equal_start_and_end_mean_the_whole_day() {
    let s = Schedule::new(MON, 0, 0).unwrap();
    assert!(s.allows(MON_2024_01_01, 0), "Mon 00:00");
    assert!(s.allows(MON_2024_01_01 + DAY - 1, 0), "Mon 23:59:59");
    assert!(!s.allows(MON_2024_01_01 + DAY, 0), "Tue 00:00");
    assert!(!s.allows(MON_2024_01_01 - 1, 0), "Sun 23:59:59");
}

#[test]
fn the_schedule_is_read_in_the_locks_local_time() {
    let workdays = Schedule::new(Schedule::WORKDAYS, minutes(8, 0), minutes(18, 0)).unwrap();
    let c = key_with(workdays);
    // Mon 2024-01-01 06:00 UTC = 1 704 088 800 is 08:00 in UTC+02:00.
    let six_utc = MON_2024_01_01 + 6 * HOUR;
    assert_eq!(c.check_time(six_utc, 0), Err(ResultCode::OutsideSchedule));
    assert_eq!(c.check_time(six_utc, 120), Ok(()));
    assert_eq!(c.check_time(six_utc - 1, 120), Err(ResultCode::OutsideSchedule));
    // Sat 2024-01-06 02:00 UTC = 1 704 067 200 + 5 days + 2 h = 1 704 506 400
    // is Fri 16:00 in UTC−10:00: inside, although it is Saturday in UTC.
    let sat_two_utc = MON_2024_01_01 + 5 * DAY + 2 * HOUR;
    assert_eq!(c.check_time(sat_two_utc, 0), Err(ResultCode::OutsideSchedule));
    assert_eq!(c.check_time(sat_two_utc, -600), Ok(()));
    // A half-hour offset, UTC+09:30: Mon 2024-01-01 20:00 UTC = 1 704 139 200
    // is Tue 05:30 there (before the window), and Tue 2024-01-02 00:00 UTC
    // = 1 704 153 600 is Tue 09:30 there (inside).
    assert_eq!(
        c.check_time(MON_2024_01_01 + 20 * HOUR, 570),
        Err(ResultCode::OutsideSchedule)
    );
    assert_eq!(c.check_time(MON_2024_01_01 + DAY, 570), Ok(()));
}

#[test]
fn local_time_before_1970_still_has_a_weekday() {
    // Unix 0 is Thu 1970-01-01 00:00 UTC; in UTC−01:00 it is Wed 23:00.
    let wednesday = Schedule::new(1 << 2, 0, 0).unwrap();
    let thursday = Schedule::new(1 << 3, 0, 0).unwrap();
    assert!(wednesday.allows(0, -60));
    assert!(!thursday.allows(0, -60));
    assert!(thursday.allows(0, 0));
}

#[test]
fn every_role_may_do_everything_except_a_service_key_unlatching() {
    use latchkey_protocol::{Command, Role};
    let commands = [Command::Unlock, Command::Lock, Command::Unlatch, Command::Status];
    for role in [Role::Owner, Role::Admin, Role::Resident, Role::Guest, Role::Service] {
        for command in commands {
            let expected = !(role == Role::Service && command == Command::Unlatch);
            assert_eq!(role.may(command), expected, "{} {}", role.name(), command.name());
        }
    }
}
