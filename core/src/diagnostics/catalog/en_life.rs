//! English texts for findings about the lock's life: a new or reset lock,
//! another account's lock, setting a lock up, firmware updates.

use super::finding_text::FindingText;
use crate::diagnostics::FindingCode as C;

const NEAR_THE_LOCK: &str = "Open the app near the lock (checking its status is enough).";

pub(super) const TEXTS: &[FindingText] = &[
    FindingText {
        code: C::LockFactoryReset,
        title: "The lock was reset",
        explanation: "The lock was reset to its factory settings since this phone last saw it. It forgot its owner, so fast unlocking, keypad PIN codes and guests' offline keys stopped working until an owner sets it up again.",
        steps: &[
            "If you own the lock, set it up again in the app with the setup code from its label; keys you handed out work again without being sent anew.",
            "If you didn't expect this, tell your host or administrator.",
        ],
    },
    FindingText {
        code: C::LockUnclaimed,
        title: "The lock has no owner",
        explanation: "The lock is new, or it was reset to its factory settings and forgot its owner: fast unlocking, keypad PIN codes and guests' offline keys stopped working, and no key opens it until an owner sets it up again.",
        steps: &[
            "If you own this lock, open the app near it and set it up again; you need the setup code from the label inside the battery cover.",
            "Otherwise, tell your host or administrator, and use your backup way in meanwhile.",
        ],
    },
    FindingText {
        code: C::LockClaimedElsewhere,
        title: "This lock belongs to another account",
        explanation: "The lock was set up by another account, so it doesn't know your keys.",
        steps: &[
            "Check that you're at the right door.",
            "If the lock should be yours, its current owner has to reset it (the button inside the lock) before you can set it up.",
        ],
    },
    FindingText {
        code: C::SetupCodeWrong,
        title: "The setup code doesn't match this lock",
        explanation: "The setup code entered or scanned isn't this lock's, or it was mistyped. Nothing was changed on the lock.",
        steps: &[
            "Scan the QR code on the lock's label again, or check the code printed inside the battery cover.",
            "Make sure the label belongs to this lock.",
        ],
    },
    FindingText {
        code: C::SetupIncomplete,
        title: "Setting up the lock couldn't finish",
        explanation: "The lock needed something the phone didn't have (most often the newest list of withdrawn keys, which the lock held before its reset), or its bolt didn't move freely while it was measured. It installed nothing and stays as it was.",
        steps: &[
            "Connect to the internet and open the app so it can fetch the newest lists, then set the lock up again.",
            "If the bolt couldn't move freely while the lock measured it, check the door and strike, then try again.",
        ],
    },
    FindingText {
        code: C::FirmwareChangedCredentials,
        title: "A lock update dropped some of its settings",
        explanation: "The lock's last software update didn't keep {lost}. Until a phone puts it back, what depends on it doesn't work (a dropped PIN list means keypad codes are refused).",
        steps: &[
            NEAR_THE_LOCK,
            "Your phone puts back what it carries by itself; if it can't, ask your host or administrator to open the app near the lock.",
        ],
    },
    FindingText {
        code: C::FirmwareRejected,
        title: "The lock refused a software update",
        explanation: "The lock checked the update and refused it: it was damaged on the way, meant for another model, not signed by the lock's maker, or not newer than what the lock runs. Its current software keeps running and nothing changed.",
        steps: &[
            "Connect to the internet so the app can download the update again.",
            "If the lock keeps refusing it, tell the lock's maker or a technician.",
        ],
    },
    FindingText {
        code: C::FirmwareUpdateInterrupted,
        title: "A lock update is part-way through",
        explanation: "A software update was being handed to the lock when the connection ended. The lock keeps the part it has and keeps running its current software; the update goes on from there the next time.",
        steps: &[NEAR_THE_LOCK, "Stay near the lock until the update finishes."],
    },
];

/// What a firmware update can drop, by the names findings carry in
/// `{lost}` (`KeptItem::name`); a finding lists them the locale's way.
pub(super) const VALUES: &[(&str, &str)] = &[
    ("value.lost.certificates", "keys and fast keys"),
    ("value.lost.pin_list", "the keypad PIN list"),
    ("value.lost.revocation_list", "the list of withdrawn keys"),
    ("value.lost.clock_trust", "the clock's trusted time"),
    ("value.lost.event_log", "the event log"),
];
