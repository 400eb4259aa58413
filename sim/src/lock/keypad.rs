//! The lock's keypad: PIN entry at the door, with no phone involved.
//!
//! What the keypad accepts, in the order it looks:
//!
//! - 9 digits: an **offline PIN** derived from the PIN secret shared at
//!   commissioning. Needs a trusted clock (`clock_untrusted` otherwise);
//!   refused when the installed PIN list turned offline PINs off or its
//!   window starts before the list's `offline_valid_from` (`key_revoked`);
//!   a one-time code is burned on first use (`pin_already_used`).
//! - anything else: a **managed PIN**. The master PIN set at commissioning
//!   works until an installed list carries a master slot of its own; then
//!   only the list's master slots are master PINs. Master PINs have no
//!   window, so they work with an untrusted clock and no list. Other slots
//!   are checked against the RTC (window, schedule); a time-limited slot is
//!   refused while the clock is untrusted; a one-time slot is burned on
//!   first use. PINs are held only as salted hashes keyed with the PIN
//!   secret (a lock commissioned without one keys its master PIN with a
//!   random secret of its own, and no list slot or offline PIN can match).
//!
//! Every refusal is a strike for [`KeypadLimiter`]: five strikes not yet
//! forgiven (one is forgiven every 12 minutes) lock the keypad out for
//! 60 s, doubling with each lockout up to an hour. An accepted PIN changes
//! nothing, so holding one valid PIN does not buy more guesses at the
//! others. Entries during a lockout are not even checked (and not logged,
//! so pressing keys cannot flush the event ring); the lockout itself is
//! logged, and the status reports it (`Faults::KEYPAD_LOCKED`). The
//! lockout runs on the lock's monotonic timer, not its RTC, so moving the
//! clock cannot shorten it.

use latchkey_protocol::pin::{match_offline_pin, pin_hash, pin_matches, KeypadLimiter};
use latchkey_protocol::{
    crypto, pin::OFFLINE_PIN_LEN, PinClass, PinDigits, PinList, PinSecret, PinUse, Result, ResultCode,
};

/// One-time offline PINs remembered as used. They last at most 24 hours,
/// so only 64 used within one day could push one out early (the one that
/// expires soonest goes first).
const OFFLINE_BURNED_CAPACITY: usize = 64;

/// What happened to one keypad entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeypadOutcome {
    /// The PIN was accepted and the motor ran; `result` is what it did
    /// (`ok`, `jammed`, `battery_critical`…).
    Accepted {
        /// Which PIN it was.
        pin: PinUse,
        /// The motor's result.
        result: ResultCode,
    },
    /// The entry was refused (and counts toward a lockout).
    Refused {
        /// Why: `pin_not_recognized`, `key_expired`, `key_not_yet_valid`,
        /// `outside_schedule`, `clock_untrusted`, `pin_already_used`,
        /// `key_revoked` (offline PINs cut off by the list).
        reason: ResultCode,
    },
    /// The keypad is locked out; the entry was not checked.
    LockedOut {
        /// Seconds until it takes entries again.
        retry_in_s: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct BurnedOffline {
    menu: u8,
    start_unit: u32,
    /// When the code expires anyway (unix s): the entry can go then.
    until: u32,
}

/// The lock's clock as the keypad needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeypadClock {
    pub(crate) now: u32,
    pub(crate) trusted: bool,
    pub(crate) utc_offset_min: i16,
}

/// Keypad state: commissioning master, installed list, used one-time codes
/// and the attempt limiter. In flash except the limiter's timer.
#[derive(Debug)]
pub(crate) struct Keypad {
    /// Salt and hash of the master PIN set at commissioning.
    commissioning_master: Option<([u8; 16], [u8; 16])>,
    /// An installed list carried a master slot: the commissioning master
    /// is retired until a factory reset.
    master_replaced: bool,
    list: Option<PinList>,
    /// Hashes of one-time slots already used (salted, so unique per slot).
    burned_slots: Vec<[u8; 16]>,
    /// Keys the commissioning master's hash: the secret shared with the
    /// issuer at the factory, or a random one of the lock's own. Kept for
    /// the lock's life, so the factory master PIN survives a reset.
    master_secret: PinSecret,
    /// Keys list slots and offline PINs: the secret shared with the
    /// issuer when the lock was claimed (`None`: unclaimed, or claimed
    /// without one: no list slot or offline PIN matches).
    secret: Option<PinSecret>,
    offline_burned: Vec<BurnedOffline>,
    pub(crate) limiter: KeypadLimiter,
}

impl Keypad {
    pub(crate) fn new(master: Option<&PinDigits>, shared: Option<PinSecret>) -> Result<Self> {
        let master_secret = match &shared {
            Some(s) => s.clone(),
            None => PinSecret::random()?,
        };
        let commissioning_master = match master {
            Some(digits) => {
                let salt = crypto::random_array()?;
                Some((salt, pin_hash(&master_secret, &salt, digits.as_str())))
            }
            None => None,
        };
        Ok(Self {
            commissioning_master,
            master_replaced: false,
            list: None,
            burned_slots: Vec::new(),
            master_secret,
            secret: shared,
            offline_burned: Vec::new(),
            limiter: KeypadLimiter::new(),
        })
    }

    pub(crate) fn pin_seq(&self) -> u32 {
        self.list.as_ref().map_or(0, |l| l.seq)
    }

    /// Milliseconds of lockout left at `now_ms` (`None`: taking entries).
    pub(crate) fn lockout_left_ms(&self, now_ms: u64) -> Option<u64> {
        self.limiter.lockout_left_ms(now_ms)
    }

    /// Installs a verified, newer list (the caller checked both).
    pub(crate) fn install(&mut self, list: PinList) {
        self.master_replaced |= list.has_master();
        self.burned_slots.retain(|h| list.slots.iter().any(|s| s.hash == *h));
        self.list = Some(list);
    }

    /// Factory reset: the list, its used slots, the PIN secret and the
    /// used offline codes go (they belong to the owner); the commissioning
    /// master returns.
    pub(crate) fn factory_reset(&mut self) {
        self.master_replaced = false;
        self.list = None;
        self.burned_slots.clear();
        self.secret = None;
        self.offline_burned.clear();
        self.limiter = KeypadLimiter::new();
    }

    /// The PIN secret an owner installed when claiming the lock.
    pub(crate) fn set_secret(&mut self, secret: Option<PinSecret>) {
        self.secret = secret;
    }

    /// A firmware update that does not keep the list: the list and its
    /// used slots go; returns the seq lost (0: there was none).
    pub(crate) fn drop_list(&mut self) -> u32 {
        let seq = self.pin_seq();
        self.list = None;
        self.burned_slots.clear();
        self.master_replaced = false;
        seq
    }

    /// Decides an entry: the PIN it is, or why not (with the PIN it
    /// matched, when it matched one).
    pub(crate) fn check(
        &mut self,
        digits: &str,
        clock: KeypadClock,
    ) -> std::result::Result<PinUse, (ResultCode, Option<PinUse>)> {
        if digits.len() == OFFLINE_PIN_LEN {
            self.check_offline(digits, clock)
        } else {
            self.check_managed(digits, clock)
        }
    }

    fn check_offline(
        &mut self,
        digits: &str,
        clock: KeypadClock,
    ) -> std::result::Result<PinUse, (ResultCode, Option<PinUse>)> {
        let Some(secret) = &self.secret else {
            return Err((ResultCode::PinNotRecognized, None));
        };
        if !clock.trusted {
            return Err((ResultCode::ClockUntrusted, None));
        }
        let found = match_offline_pin(secret, digits, clock.now, clock.utc_offset_min)
            .ok_or((ResultCode::PinNotRecognized, None))?;
        let pin = PinUse::Offline {
            menu: found.kind.menu(),
            start_unit: found.start_unit,
        };
        let valid_from = self.list.as_ref().map_or(0, |l| l.offline_valid_from);
        if found.valid_from < valid_from || valid_from == PinList::OFFLINE_DISABLED {
            return Err((ResultCode::KeyRevoked, Some(pin)));
        }
        if found.kind.one_time() {
            self.offline_burned.retain(|b| b.until > clock.now);
            let used = self
                .offline_burned
                .iter()
                .any(|b| b.menu == found.kind.menu() && b.start_unit == found.start_unit);
            if used {
                return Err((ResultCode::PinAlreadyUsed, Some(pin)));
            }
            if self.offline_burned.len() >= OFFLINE_BURNED_CAPACITY {
                if let Some(i) = (0..self.offline_burned.len()).min_by_key(|i| self.offline_burned[*i].until) {
                    self.offline_burned.swap_remove(i);
                }
            }
            self.offline_burned.push(BurnedOffline {
                menu: found.kind.menu(),
                start_unit: found.start_unit,
                until: found.valid_until,
            });
        }
        Ok(pin)
    }

    fn check_managed(
        &mut self,
        digits: &str,
        clock: KeypadClock,
    ) -> std::result::Result<PinUse, (ResultCode, Option<PinUse>)> {
        if let (false, Some((salt, hash))) = (self.master_replaced, &self.commissioning_master) {
            if pin_matches(&self.master_secret, salt, hash, digits) {
                return Ok(PinUse::CommissioningMaster);
            }
        }
        let (Some(list), Some(secret)) = (&self.list, &self.secret) else {
            return Err((ResultCode::PinNotRecognized, None));
        };
        // The same digits may sit in several slots (a cleaner on two
        // schedules): any slot that works now lets them in.
        let mut refusal = (ResultCode::PinNotRecognized, None);
        for slot in list.slots.iter().filter(|s| s.matches(secret, digits)) {
            let pin = PinUse::Slot {
                slot: slot.slot,
                class: slot.class,
                list_seq: list.seq,
            };
            let verdict = if slot.class == PinClass::Master || !slot.is_time_limited() {
                Ok(())
            } else if clock.trusted {
                slot.check_time(clock.now, clock.utc_offset_min)
            } else {
                Err(ResultCode::ClockUntrusted)
            };
            let verdict = verdict.and_then(|()| {
                if slot.one_time && self.burned_slots.contains(&slot.hash) {
                    Err(ResultCode::PinAlreadyUsed)
                } else {
                    Ok(())
                }
            });
            match verdict {
                Ok(()) => {
                    if slot.one_time {
                        self.burned_slots.push(slot.hash);
                    }
                    return Ok(pin);
                }
                Err(code) if refusal.1.is_none() => refusal = (code, Some(pin)),
                Err(_) => {}
            }
        }
        Err(refusal)
    }
}
