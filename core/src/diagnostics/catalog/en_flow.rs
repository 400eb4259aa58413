//! English texts for the troubleshooting flow and the readiness checks.

pub(super) const TEXTS: &[(&str, &str)] = &[
    ("wizard.symptom.cant_connect", "The app can't connect to the lock"),
    ("wizard.symptom.keys_dont_work", "Codes or keys don't work"),
    ("wizard.symptom.status_wont_update", "The lock's status won't update"),
    (
        "wizard.symptom.door_not_fully_locking",
        "The door doesn't lock or unlock fully",
    ),
    (
        "wizard.question.near_lock",
        "Are you standing within about 2 metres of the lock, on the same side of the door?",
    ),
    (
        "wizard.question.lock_shows_life",
        "Touch the lock or its keypad. Does it light up or beep?",
    ),
    (
        "wizard.question.lock_reacts",
        "When you try to open it, does the lock react at all (a beep, a light, or the motor running)?",
    ),
    (
        "wizard.question.using_pin_code",
        "Are you typing a code on the lock's keypad, rather than using the app?",
    ),
    (
        "wizard.question.bolt_free_with_door_open",
        "Open the door, then lock and unlock it from the app. Does the bolt go all the way out and back smoothly?",
    ),
    (
        "wizard.question.door_pressure_helps",
        "Close the door, then push or lift it while locking. Does the bolt go all the way out then?",
    ),
    (
        "wizard.check.check_lock",
        "Stand by the lock and start the check: the app connects to the lock and reads its status.",
    ),
    ("wizard.fix", "Try this, then say whether it helped."),
    ("wizard.answer.yes", "Yes"),
    ("wizard.answer.no", "No"),
    ("wizard.answer.fixed", "Done, check again"),
    ("wizard.answer.not_fixed", "I can't do this"),
    ("wizard.answer.passed", "It worked"),
    ("wizard.answer.failed", "It failed"),
    ("readiness.offline_key.title", "A key that works without internet"),
    (
        "readiness.offline_key.pass",
        "This phone holds a key for this lock that works without internet.",
    ),
    (
        "readiness.offline_key.warn",
        "Your key works without internet, but needs attention soon.",
    ),
    (
        "readiness.offline_key.fail",
        "This phone has no key for this lock that works without internet right now.",
    ),
    ("readiness.offline_key.unknown", "The app couldn't check your key."),
    ("readiness.revocation_current.title", "Lock knows every withdrawn key"),
    (
        "readiness.revocation_current.pass",
        "The lock holds the latest list of withdrawn keys.",
    ),
    (
        "readiness.revocation_current.fail",
        "The lock hasn't received the latest withdrawn keys: open the app near the lock once.",
    ),
    (
        "readiness.revocation_current.unknown",
        "The app doesn't know which list the lock holds yet.",
    ),
    ("readiness.lock_clock.title", "Lock clock correct"),
    ("readiness.lock_clock.pass", "The lock's clock is trusted and correct."),
    (
        "readiness.lock_clock.warn",
        "The lock's clock is off: go online, then open the app near the lock to correct it.",
    ),
    (
        "readiness.lock_clock.fail",
        "The lock's clock isn't trusted: go online, then open the app near the lock.",
    ),
    (
        "readiness.lock_clock.unknown",
        "The app hasn't read the lock's clock yet.",
    ),
    ("readiness.battery.title", "Lock batteries"),
    ("readiness.battery.pass", "The lock's batteries are healthy."),
    (
        "readiness.battery.warn",
        "The lock's batteries need attention before you rely on the lock without internet.",
    ),
    (
        "readiness.battery.fail",
        "The lock's batteries are too weak: replace them now.",
    ),
    (
        "readiness.battery.unknown",
        "The app hasn't read the lock's battery yet.",
    ),
    (
        "readiness.last_offline_unlock.title",
        "Unlocking without internet tried",
    ),
    (
        "readiness.last_offline_unlock.pass",
        "The last unlock without internet worked.",
    ),
    (
        "readiness.last_offline_unlock.fail",
        "The last unlock without internet failed: run the troubleshooter.",
    ),
    (
        "readiness.last_offline_unlock.unknown",
        "Not tried yet: unlock once with Wi-Fi and mobile data off.",
    ),
    ("readiness.backup_entry.title", "Backup way in"),
    ("readiness.backup_entry.pass", "A backup way in is recorded."),
    (
        "readiness.backup_entry.fail",
        "No backup way in is recorded: note how you would get in if the phone can't open the lock.",
    ),
    ("readiness.background_use.title", "Works with the app in the background"),
    (
        "readiness.background_use.pass",
        "The phone lets the app use Bluetooth in the background.",
    ),
    (
        "readiness.background_use.warn",
        "The phone may pause the app in the background: open the app to unlock, or change the setting shown.",
    ),
    (
        "readiness.background_use.fail",
        "The phone doesn't let the app use Bluetooth in the background: change the setting shown.",
    ),
    (
        "readiness.background_use.unknown",
        "The app couldn't check background use on this device.",
    ),
    ("readiness.lock_setup.title", "Lock set up, updates complete"),
    (
        "readiness.lock_setup.pass",
        "The lock has its owner, and no update left it missing anything the app knows of.",
    ),
    (
        "readiness.lock_setup.warn",
        "A software update for the lock is unfinished or was refused; the lock keeps running its current software.",
    ),
    (
        "readiness.lock_setup.fail",
        "The lock can't work as it should: it has no owner, belongs to another account, or a software update dropped something it had stored (see below).",
    ),
    ("readiness.lock_setup.unknown", "The app couldn't check the lock's setup."),
    ("readiness.events_uploaded.title", "Records sent"),
    (
        "readiness.events_uploaded.pass",
        "Every record kept while offline was sent.",
    ),
    (
        "readiness.events_uploaded.warn",
        "All records were sent, but {count, plural, one {# was} other {# were}} refused by the service and kept aside for support.",
    ),
    (
        "readiness.events_uploaded.fail",
        "{count, plural, one {# record is} other {# records are}} still waiting to be sent: stay online a moment.",
    ),
    ("readiness.drift_cleared.title", "Locks up to date"),
    (
        "readiness.drift_cleared.pass",
        "Every lock has the latest withdrawn keys.",
    ),
    (
        "readiness.drift_cleared.fail",
        "{count, plural, one {# lock hasn't received the latest withdrawn keys yet: a phone must visit it.} other {# locks haven't received the latest withdrawn keys yet: a phone must visit them.}}",
    ),
    ("readiness.keys_renewed.title", "Keys renewed"),
    ("readiness.keys_renewed.pass", "Your keys are renewed."),
    (
        "readiness.keys_renewed.fail",
        "{count, plural, one {# key is due for renewal and wasn't renewed yet.} other {# keys are due for renewal and weren't renewed yet.}}",
    ),
    ("readiness.sync_working.title", "Syncing works"),
    ("readiness.sync_working.pass", "The last sync worked."),
    (
        "readiness.sync_working.fail",
        "Syncing failed ({error}): the app keeps trying.",
    ),
    ("readiness.sync_working.unknown", "The phone is still offline."),
];
