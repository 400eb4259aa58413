//! English texts for findings about the key, the lock (clock, power,
//! mechanics), the network, and the troubleshooting flow's conclusions.

use super::finding_text::FindingText;
use crate::diagnostics::FindingCode as C;

const ASK_AGAIN: &str = "Try again.";
const GO_ONLINE: &str = "Connect to the internet and open the app so it can sync.";

pub(super) const TEXTS: &[FindingText] = &[
    FindingText {
        code: C::NoKey,
        title: "This phone has no key for this lock",
        explanation: "The app didn't find a key for this lock on this phone.",
        steps: &[
            "If you were sent a key, connect to the internet and open the app so it can download it.",
            "Otherwise, ask your host or administrator to send you a key.",
        ],
    },
    FindingText {
        code: C::UnknownLock,
        title: "The app doesn't know this lock yet",
        explanation: "This phone has no information about this lock yet. The app downloads it from the internet once.",
        steps: &[GO_ONLINE, ASK_AGAIN],
    },
    FindingText {
        code: C::KeyExpired,
        title: "Your key has expired",
        explanation: "Your key was valid for a set time, and that time is over. The lock no longer accepts it. This is not a Bluetooth problem.",
        steps: &[
            "If your access should continue (for example, a longer stay), ask your host or administrator for a new key.",
            GO_ONLINE,
        ],
    },
    FindingText {
        code: C::KeyNotYetValid,
        title: "Your key isn't valid yet",
        explanation: "Your key starts working at a set time, and that time hasn't come yet.",
        steps: &[
            "Check the start time shown with your key, and try again then.",
            "If the time is wrong, ask your host or administrator.",
        ],
    },
    FindingText {
        code: C::OutsideSchedule,
        title: "Your key doesn't work at this time",
        explanation: "Your key works only on certain days or at certain hours, and now is outside them.",
        steps: &[
            "Check the times shown with your key, and try again then.",
            "If you need to get in now, ask your host or administrator.",
        ],
    },
    FindingText {
        code: C::KeyRevoked,
        title: "Your key was withdrawn",
        explanation: "The owner or administrator withdrew this key, and the lock no longer accepts it.",
        steps: &["If you think this is a mistake, ask your host or administrator; they can send a new key."],
    },
    FindingText {
        code: C::WrongLock,
        title: "This key is for a different lock",
        explanation: "The lock said the key belongs to another lock or group of locks.",
        steps: &[
            "Check that you're at the right door.",
            "If you are, ask your host or administrator for a key for this lock.",
        ],
    },
    FindingText {
        code: C::KeyRejected,
        title: "The lock doesn't accept this key",
        explanation: "The lock refused the key itself: it may come from someone the lock doesn't trust, be damaged, or not allow what you asked.",
        steps: &[
            GO_ONLINE,
            "If it still doesn't work, ask your host or administrator for a new key.",
        ],
    },
    FindingText {
        code: C::RoleNotAllowed,
        title: "This key can't open the door by itself",
        explanation: "A service key may unlock and lock, but not unlatch (pull the latch so the door swings open): the lock refuses it, so the phone didn't ask.",
        steps: &[
            "Unlock the door instead, then open it by hand.",
            "If you need to unlatch, ask your host or administrator for a resident key.",
        ],
    },
    FindingText {
        code: C::KeyNotOfflineAllowed,
        title: "This key works only while you're online",
        explanation: "Whoever issued your key set it to work only while the phone has internet, and the phone is offline now.",
        steps: &[
            "Connect to Wi-Fi or mobile data.",
            ASK_AGAIN,
            "If you often have no signal at the door, ask your host for a key that works offline.",
        ],
    },
    FindingText {
        code: C::PinCodeRejected,
        title: "The lock doesn't accept this code",
        explanation: "The keypad refused the code. Codes can be limited to certain dates and hours, checked against the lock's own clock.",
        steps: &[
            "Check the code and the dates and times it is meant for.",
            "Type it slowly and confirm it the way your host described.",
            "If it still doesn't work, ask your host or administrator for a new code.",
        ],
    },
    FindingText {
        code: C::KeypadLockedOut,
        title: "The keypad is locked for a while",
        explanation: "After several wrong codes, the lock stops accepting codes for a while, so that nobody can try codes until one works (a right code in between doesn't reset the count). It opens again by itself within an hour; the app still works.",
        steps: &[
            "Wait, then type the code once, slowly.",
            "Meanwhile, use the app or your backup way in.",
            "If you're not sure of the code, ask your host or administrator before trying again.",
        ],
    },
    FindingText {
        code: C::ClockUntrusted,
        title: "The lock needs the correct time",
        explanation: "The lock lost power and, with it, the time. It won't accept keys limited in time until a phone brings it the correct time, which the app does by itself once it has fetched it from the internet.",
        steps: &[
            "Connect the phone to the internet and open the app once.",
            "Go back to the lock and try again: the app sets the lock's time on the way.",
        ],
    },
    FindingText {
        code: C::LockClockSkewed,
        title: "The lock's clock is off",
        explanation: "The lock's clock isn't showing the correct time. The lock checks keys against its own clock, so a valid key can be refused near the start or end of its time.",
        steps: &[
            "Connect the phone to the internet and open the app once, so it can fetch the correct time.",
            "Go back to the lock and try again: the app corrects the lock's clock on the way.",
        ],
    },
    FindingText {
        code: C::LockBusy,
        title: "The lock is busy for a moment",
        explanation: "The lock has just turned away a burst of requests that came without a valid key, so it is pausing new ones for a few seconds to save its battery. Nothing happened at the door. Phones that have opened this lock before are not affected.",
        steps: &[
            "Wait ten seconds and try again.",
            "If it keeps happening, someone nearby may be sending the lock junk: use your backup way in and tell your host or administrator.",
        ],
    },
    FindingText {
        code: C::LockNotAuthentic,
        title: "The lock's answer couldn't be verified",
        explanation: "The device that answered didn't prove it is your lock. It may be another lock nearby, or the lock may have been replaced or tampered with.",
        steps: &[
            "Make sure you're at the right door.",
            ASK_AGAIN,
            "If it happens again, call a technician and tell your administrator.",
        ],
    },
    FindingText {
        code: C::ProtocolMismatch,
        title: "The app and the lock don't understand each other",
        explanation: "The lock answered in a way this version of the app doesn't understand, usually because one of them needs an update.",
        steps: &[
            "Update the app.",
            "If it still happens, ask your administrator whether the lock needs an update.",
        ],
    },
    FindingText {
        code: C::LockRefused,
        title: "The lock turned the request down",
        explanation: "The lock refused the request for a reason the app can't explain further.",
        steps: &["Wait a few seconds and try again.", "If it keeps happening, call a technician."],
    },
    FindingText {
        code: C::LockUnresponsive,
        title: "The lock shows no sign of life",
        explanation: "The lock doesn't light up or beep, and the phone can't find it. Most often its batteries are empty.",
        steps: &[
            "Use your backup way in (a mechanical key, or the emergency battery contacts if your lock has them).",
            "Replace all of the lock's batteries with new ones of the same type.",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::BatteryCritical,
        title: "The lock's batteries are empty",
        explanation: "The lock's batteries are too weak to move the bolt. It can still answer the app, but it can't lock or unlock until they are replaced. This is not a Bluetooth problem.",
        steps: &[
            "Replace all of the lock's batteries with new ones of the same type.",
            "Until then, use your backup way in.",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::BatteryTooWeakForMotor,
        title: "Weak batteries are making the motor stall",
        explanation: "The bolt stopped moving, and the lock's batteries are low. A weak battery often can't drive the motor to the end, which looks like a jammed lock.",
        steps: &[
            "Replace all of the lock's batteries with new ones.",
            ASK_AGAIN,
            "If the bolt still stops, something is blocking it: see the next finding.",
        ],
    },
    FindingText {
        code: C::DoorAjar,
        title: "The door is open",
        explanation: "The lock's sensor says the door is open. The lock won't push the bolt out while the door is open, so it can't lock.",
        steps: &["Close the door fully, until it clicks.", "Lock again."],
    },
    FindingText {
        code: C::LockJammed,
        title: "The bolt is stuck",
        explanation: "The lock's motor tried to move the bolt and stalled: something is stopping the bolt. It may rub against the door frame, or the lock may need a repair. This is not a phone or Bluetooth problem.",
        steps: &[
            "Push or pull the door firmly towards the frame and try again.",
            "With the door open, lock and unlock: if the bolt moves freely then, the door frame is in the way.",
            "If the bolt is still stuck, call a locksmith or technician, and use your backup way in meanwhile.",
        ],
    },
    FindingText {
        code: C::BoltNotThrown,
        title: "The bolt doesn't go all the way out",
        explanation: "While locking, the bolt stopped before the end, so the door isn't fully locked. Usually the metal plate in the door frame (the strike plate) is slightly out of line with the bolt.",
        steps: &[
            "Push or lift the door while locking, and see whether the bolt goes all the way.",
            "Check that nothing is stuck in the hole in the frame.",
            "Have a locksmith or technician adjust the strike plate.",
        ],
    },
    FindingText {
        code: C::StrikeMisaligned,
        title: "The strike plate in the door frame is out of line",
        explanation: "The bolt moves freely with the door open but catches on the frame with the door closed. The metal plate in the frame (the strike plate) needs adjusting, often because the door has sagged or swollen.",
        steps: &[
            "Until it is fixed, push or lift the door while locking so the bolt goes all the way.",
            "Ask a locksmith or technician to adjust the strike plate or the door's hinges.",
        ],
    },
    FindingText {
        code: C::BatteryLow,
        title: "The lock's batteries are getting low",
        explanation: "The lock still works, but its batteries are low. Replace them soon, so the lock doesn't stop while you're away.",
        steps: &["Replace all of the lock's batteries with new ones of the same type within the next few weeks."],
    },
    FindingText {
        code: C::BatteryDrainingFast,
        title: "The lock's batteries run down unusually fast",
        explanation: "The lock's batteries are emptying much faster than normal. This often means the motor works too hard, for example because the bolt rubs against the door frame.",
        steps: &[
            "Check that the door closes easily and the bolt doesn't rub while locking.",
            "Ask a technician to check the lock's alignment.",
            "Keep spare batteries at hand.",
        ],
    },
    FindingText {
        code: C::RevocationDrift,
        title: "The lock hasn't received the latest key changes",
        explanation: "A key was withdrawn, and this lock hasn't been told yet. Your phone carries the change and hands it over by itself the next time it connects to the lock.",
        steps: &[
            "Open the app near the lock (checking its status is enough).",
            "The change is handed over on the way; there is nothing else to do.",
        ],
    },
    FindingText {
        code: C::PinDrift,
        title: "The lock hasn't received the latest PIN code changes",
        explanation: "Keypad codes were changed in the app ({changes}), and this lock hasn't been told yet: until it is, a deleted code still opens it and a new one doesn't work. Your phone carries the change and hands it over the next time it connects to the lock.",
        steps: &[
            "Open the app near the lock (checking its status is enough).",
            "Try the new code, or check that the deleted one no longer works.",
        ],
    },
    FindingText {
        code: C::KeyExpiringSoon,
        title: "Your key expires soon",
        explanation: "Your key stops working soon. The app renews keys by itself while the phone is online, unless your access is ending.",
        steps: &[
            GO_ONLINE,
            "If your access should continue and the key isn't renewed, ask your host or administrator.",
        ],
    },
    FindingText {
        code: C::NetworkOffline,
        title: "The phone is offline",
        explanation: "The phone has no internet connection. Unlocking still works with keys saved for offline use; records are kept and sent once you're back online.",
        steps: &[
            "Nothing to do to unlock.",
            "Connect to the internet when you can, so keys and records stay up to date.",
        ],
    },
    FindingText {
        code: C::AirplaneModeOffline,
        title: "Airplane mode is on",
        explanation: "Airplane mode cut the internet connection. Unlocking still works over Bluetooth with keys saved for offline use; records are sent once you're back online.",
        steps: &["Turn airplane mode off when you can, so keys and records stay up to date."],
    },
    FindingText {
        code: C::CloudUnreachable,
        title: "The latchkey service can't be reached",
        explanation: "The phone is online, but the latchkey service didn't answer. Unlocking still works with saved keys; updates wait until the service is back.",
        steps: &[
            "Nothing to do to unlock.",
            "The app retries by itself; try again later if you need new keys.",
        ],
    },
    FindingText {
        code: C::SyncFailing,
        title: "Syncing keeps failing",
        explanation: "The app couldn't sync with the latchkey service (error: {error}). Unlocking still works with saved keys, but new keys and withdrawals don't arrive until syncing works.",
        steps: &[
            "Check the internet connection.",
            "Open the app again later; it retries by itself.",
            "If it keeps failing, sign out and in again, or contact support with the error shown.",
        ],
    },
    FindingText {
        code: C::CloudAuth,
        title: "Sign in again to keep your keys up to date",
        explanation: "The latchkey service no longer accepts this phone's sign-in. Unlocking still works with saved keys, but new keys and changes don't arrive until you sign in again.",
        steps: &[
            "Open the app's account settings and sign in again.",
            "If signing in fails, ask your host or administrator whether your account is still active.",
        ],
    },
    FindingText {
        code: C::CloudRejected,
        title: "Some records were refused by the service",
        explanation: "The latchkey service refused some records this phone sent. They are kept on the phone for support; nothing else is affected.",
        steps: &["If support asks for them, the app can show the refused records."],
    },
    FindingText {
        code: C::NoFaultFound,
        title: "No fault found",
        explanation: "Every check passed, so the cause is something the app can't see.",
        steps: &[
            "Restart the phone and try again.",
            "Try with another phone, if there is one.",
            "If the problem remains, call a technician and mention that the app found no fault.",
        ],
    },
    FindingText {
        code: C::Resolved,
        title: "It works now",
        explanation: "The last check succeeded, so the problem is solved.",
        steps: &["Nothing else to do."],
    },
];
