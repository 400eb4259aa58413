//! The lock's clock moves only on an issuer-signed token for this lock,
//! never backwards on an old token: a guest can't roll the clock back to
//! revive an expired key.

mod common;

use common::*;
use latchkey_protocol::{Challenge, ChallengeAge, ResultCode, TimeDecision, TimeToken};

const TOKEN_TIME: u32 = MON_2024_01_01 + 10 * HOUR;
const VALID_FOR: u16 = 300;

fn token(unix_time: u32, nonce: Challenge) -> TimeToken {
    TimeToken::issue(&parties().issuer, parties().lock_id, unix_time, VALID_FOR, 60, nonce).unwrap()
}

fn unbound() -> TimeToken {
    token(TOKEN_TIME, Challenge::default())
}

/// The fixture lock's decision with its current challenge `ctx().challenge`,
/// minted a moment ago.
fn evaluate(t: &TimeToken, lock_now: u32, last_accepted: u32) -> Result<TimeDecision, ResultCode> {
    evaluate_aged(t, lock_now, last_accepted, 0)
}

/// The same with the challenge minted `age_s` seconds ago.
fn evaluate_aged(t: &TimeToken, lock_now: u32, last_accepted: u32, age_s: u32) -> Result<TimeDecision, ResultCode> {
    let p = parties();
    let minted = [ChallengeAge {
        challenge: ctx().challenge,
        age_s,
    }];
    t.evaluate(&p.issuer.public_key(), &p.lock_id, lock_now, last_accepted, &minted)
}

#[test]
fn a_token_ahead_of_the_lock_clock_moves_it_forward() {
    assert_eq!(
        evaluate(&unbound(), TOKEN_TIME - 3 * HOUR, 0),
        Ok(TimeDecision { new_time: TOKEN_TIME })
    );
    // A lock that lost power and restarted at 0.
    assert_eq!(evaluate(&unbound(), 0, 0), Ok(TimeDecision { new_time: TOKEN_TIME }));
}

#[test]
fn a_clock_within_the_tolerance_ahead_of_the_token_is_kept() {
    for ahead in [0, 1, u32::from(VALID_FOR)] {
        assert_eq!(
            evaluate(&unbound(), TOKEN_TIME + ahead, 0),
            Ok(TimeDecision {
                new_time: TOKEN_TIME + ahead
            }),
            "{ahead} s ahead"
        );
    }
}

#[test]
fn an_old_token_cannot_set_a_clock_far_back() {
    assert_eq!(
        evaluate(&unbound(), TOKEN_TIME + u32::from(VALID_FOR) + 1, 0),
        Err(ResultCode::TimeTokenRejected)
    );
}

#[test]
fn a_guest_cannot_roll_the_clock_back_to_revive_an_expired_key() {
    // The guest kept a token from the last day of the stay; the key expired
    // at not_after and the lock's clock is a day past it.
    let key = scheduled_cert();
    let expiry = key.grant.not_after;
    let kept = token(expiry - HOUR, Challenge::default());
    let lock_now = expiry + DAY;
    assert_eq!(key.check_time(lock_now, 0), Err(ResultCode::KeyExpired));
    assert_eq!(evaluate(&kept, lock_now, 0), Err(ResultCode::TimeTokenRejected));
}

#[test]
fn a_token_not_newer_than_the_last_accepted_one_is_rejected() {
    assert_eq!(
        evaluate(&unbound(), 0, TOKEN_TIME),
        Err(ResultCode::TimeTokenRejected),
        "the same token again"
    );
    assert_eq!(
        evaluate(&unbound(), 0, TOKEN_TIME + 1),
        Err(ResultCode::TimeTokenRejected),
        "older than the last accepted"
    );
    assert!(evaluate(&unbound(), 0, TOKEN_TIME - 1).is_ok());
}

#[test]
fn a_token_fetched_for_the_current_challenge_may_set_the_clock_back() {
    // Fetched at the door seconds ago: it is the truth even if the lock's
    // clock ran a day fast.
    let bound = token(TOKEN_TIME, ctx().challenge);
    assert_eq!(
        evaluate(&bound, TOKEN_TIME + DAY, 0),
        Ok(TimeDecision { new_time: TOKEN_TIME })
    );
    // But never to before a token the lock already accepted.
    assert_eq!(
        evaluate(&bound, TOKEN_TIME + DAY, TOKEN_TIME),
        Err(ResultCode::TimeTokenRejected)
    );
}

#[test]
fn a_bound_token_never_sets_the_clock_behind_true_time() {
    // The challenge was minted two hours before the token was signed (a
    // connection held open): true time is somewhere in [token, token + 2 h],
    // so a clock within that range stays, and a clock ahead of it comes
    // back only to its upper end.
    let held = 2 * HOUR;
    let bound = token(TOKEN_TIME, ctx().challenge);
    assert_eq!(
        evaluate_aged(&bound, TOKEN_TIME + held, 0, held),
        Ok(TimeDecision {
            new_time: TOKEN_TIME + held
        }),
        "the clock agrees with the latest true time: kept"
    );
    assert_eq!(
        evaluate_aged(&bound, TOKEN_TIME + DAY, 0, held),
        Ok(TimeDecision {
            new_time: TOKEN_TIME + held
        }),
        "a day fast: back to the latest time that can be true, not to the token"
    );
    assert_eq!(
        evaluate_aged(&bound, TOKEN_TIME - HOUR, 0, held),
        Ok(TimeDecision { new_time: TOKEN_TIME }),
        "behind: forward to the token"
    );
}

#[test]
fn a_token_bound_to_an_old_challenge_counts_as_unbound() {
    let stale = token(TOKEN_TIME, Challenge([0x99; 8]));
    assert_eq!(
        evaluate(&stale, TOKEN_TIME + DAY, 0),
        Err(ResultCode::TimeTokenRejected)
    );
    assert_eq!(
        evaluate(&stale, TOKEN_TIME - 1, 0),
        Ok(TimeDecision { new_time: TOKEN_TIME })
    );
}

#[test]
fn a_token_for_another_lock_is_rejected() {
    let p = parties();
    let theirs = TimeToken::issue(
        &p.issuer,
        p.other_lock_id,
        TOKEN_TIME,
        VALID_FOR,
        0,
        Challenge::default(),
    )
    .unwrap();
    assert_eq!(evaluate(&theirs, 0, 0), Err(ResultCode::TimeTokenRejected));
}

#[test]
fn a_token_from_another_issuer_is_rejected() {
    let p = parties();
    let foreign = TimeToken::issue(&p.stranger, p.lock_id, TOKEN_TIME, VALID_FOR, 0, Challenge::default()).unwrap();
    assert_eq!(evaluate(&foreign, 0, 0), Err(ResultCode::TimeTokenRejected));
    // Even when it claims our issuer's id.
    let mut claimed = foreign;
    claimed.issuer_id = p.issuer.public_key().issuer_id();
    assert_eq!(evaluate(&claimed, 0, 0), Err(ResultCode::TimeTokenRejected));
}

#[test]
fn a_token_changed_after_signing_is_rejected() {
    let changes: [Change<TimeToken>; 5] = [
        ("time", |t| t.unix_time += DAY),
        ("tolerance", |t| t.valid_for = u16::MAX),
        ("utc offset", |t| t.utc_offset_min = -60),
        ("nonce", |t| t.nonce = ctx().challenge),
        ("signature", |t| t.signature.0[10] ^= 1),
    ];
    for (what, change) in changes {
        let mut t = unbound();
        change(&mut t);
        assert_eq!(evaluate(&t, 0, 0), Err(ResultCode::TimeTokenRejected), "{what}");
    }
}

#[test]
fn the_token_carries_the_locks_utc_offset() {
    assert_eq!(unbound().utc_offset_min, 60);
    let decoded = TimeToken::decode(&token(TOKEN_TIME, Challenge::default()).encode()).unwrap();
    assert_eq!(decoded.utc_offset_min, 60);
}
