//! English texts for findings about the phone (Bluetooth, permissions,
//! background limits) and the radio link.

use super::finding_text::FindingText;
use crate::diagnostics::FindingCode as C;

const ASK_AGAIN: &str = "Try again.";

pub(super) const TEXTS: &[FindingText] = &[
    FindingText {
        code: C::BluetoothUnsupported,
        title: "This device can't talk to the lock",
        explanation: "The lock uses Bluetooth Low Energy, and this device doesn't have it.",
        steps: &[
            "Use another phone that has a key for this lock, or your backup way in.",
            "Ask your host or administrator to send a key to a phone with Bluetooth 4.0 or newer.",
        ],
    },
    FindingText {
        code: C::BluetoothUnavailable,
        title: "Bluetooth isn't available right now",
        explanation: "The phone's Bluetooth didn't respond when the app tried to reach the lock. This usually passes after a moment.",
        steps: &[
            "Wait a few seconds and try again.",
            "If it keeps happening, switch Bluetooth off and on again.",
            "If that doesn't help, restart the phone.",
        ],
    },
    FindingText {
        code: C::IosUsageDescriptionMissing,
        title: "This version of the app can't use Bluetooth",
        explanation: "This build of the app is missing the note iOS shows when it asks for Bluetooth, so iOS won't let it use Bluetooth at all. The problem is in the app, not in your phone.",
        steps: &[
            "Update the app from the App Store.",
            "If it still happens, contact the app's support and mention \"Bluetooth usage description missing\".",
        ],
    },
    FindingText {
        code: C::LinuxNoSystemBus,
        title: "The computer's Bluetooth service can't be reached",
        explanation: "On Linux, programs reach Bluetooth through the system message bus (D-Bus), and there is none here. This is common inside containers and minimal systems.",
        steps: &[
            "Run latchkey directly on the computer rather than in a container, or share the host's /run/dbus/system_bus_socket with the container.",
            "Make sure the message bus is running: `systemctl status dbus`.",
        ],
    },
    FindingText {
        code: C::LinuxBluetoothServiceMissing,
        title: "The Bluetooth service isn't running",
        explanation: "The Bluetooth service (bluetoothd, part of BlueZ) isn't answering, so no program on this computer can use Bluetooth.",
        steps: &[
            "Install BlueZ if it is missing (Debian or Ubuntu: `sudo apt install bluez`).",
            "Start it: `sudo systemctl enable --now bluetooth`.",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::LinuxAdapterMissing,
        title: "No Bluetooth adapter found",
        explanation: "This computer has no Bluetooth adapter the system can see, so it can't reach the lock.",
        steps: &[
            "If the computer has no built-in Bluetooth, plug in a USB Bluetooth adapter (Bluetooth 4.0 or newer).",
            "If it should have one, check that it isn't switched off in the firmware (BIOS/UEFI) settings.",
            "Check with `ls /sys/class/bluetooth`: an entry such as hci0 should appear.",
        ],
    },
    FindingText {
        code: C::Storage,
        title: "The app couldn't read its saved keys",
        explanation: "The app's storage on this phone failed, so it can't use the keys it saved. Nothing was sent to the lock.",
        steps: &[
            "Close the app completely and open it again.",
            "Make sure the phone has some free storage space.",
            "If it keeps happening, connect to the internet and open the app: it downloads your keys again.",
        ],
    },
    FindingText {
        code: C::PhoneKeyUnavailable,
        title: "The phone's key couldn't be used",
        explanation: "The app keeps its key in the phone's secure hardware, and the phone didn't let the app use it just now: the phone may be locked, the fingerprint or face check may have been cancelled, or the phone's security settings changed. Nothing was sent to the lock.",
        steps: &[
            "Unlock the phone and try again.",
            "If the app asks for your fingerprint, face or passcode, confirm it.",
            "If you changed the phone's screen lock recently, sign in to the app again so it can get a new key.",
        ],
    },
    FindingText {
        code: C::Internal,
        title: "Something went wrong in the app",
        explanation: "The app ran into a problem of its own. Nothing was sent to the lock.",
        steps: &[
            "Close the app completely and open it again, then try once more.",
            "Meanwhile, use your backup way in.",
            "If it keeps happening, update the app and report the problem.",
        ],
    },
    FindingText {
        code: C::AirplaneModeBluetoothOff,
        title: "Airplane mode switched Bluetooth off",
        explanation: "Airplane mode turned Bluetooth off, and the app needs Bluetooth to talk to the lock. You can switch Bluetooth back on and keep airplane mode on.",
        steps: &[
            "Switch Bluetooth on in quick settings or Settings > Bluetooth.",
            "Airplane mode can stay on: the lock needs only Bluetooth, not mobile data.",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::BluetoothOff,
        title: "Bluetooth is off",
        explanation: "The app talks to the lock over Bluetooth, and Bluetooth is switched off on this device.",
        steps: &[
            "Switch Bluetooth on (quick settings, Control Center, or the Bluetooth settings).",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::LinuxRfkillBlocked,
        title: "Bluetooth is blocked on this computer",
        explanation: "The computer's radio switch (rfkill) blocks Bluetooth, often because airplane mode is on or a wireless key was pressed.",
        steps: &[
            "Turn airplane mode off in the desktop's settings.",
            "If the computer has a wireless switch or an airplane-mode key (often Fn with an antenna symbol), use it to turn the radios back on.",
            "Or run `rfkill unblock bluetooth` in a terminal.",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::BluetoothStarting,
        title: "Bluetooth is still starting",
        explanation: "Bluetooth is switching on or restarting. It is ready in a few seconds.",
        steps: &["Wait a few seconds.", ASK_AGAIN],
    },
    FindingText {
        code: C::BluetoothPermissionRestricted,
        title: "Bluetooth is blocked by whoever manages this device",
        explanation: "This device is managed (by an organisation, a school or Screen Time), and that management doesn't allow this app to use Bluetooth. You can't change it yourself.",
        steps: &[
            "Ask whoever manages this device (the IT department, or the parent who set up Screen Time) to allow Bluetooth for this app.",
            "Until then, use your backup way in or another phone with a key.",
        ],
    },
    FindingText {
        code: C::BluetoothPermissionDenied,
        title: "The app isn't allowed to use Bluetooth",
        explanation: "Bluetooth is turned off for this app, so it can't find or talk to the lock. The app can't ask again; only its settings can change this.",
        steps: &[
            "Open the app's settings.",
            "Switch on Bluetooth for this app.",
            "Come back to the app and try again.",
        ],
    },
    FindingText {
        code: C::BluetoothPermissionNotAsked,
        title: "The app needs your permission to use Bluetooth",
        explanation: "The app uses Bluetooth only to talk to your lock. Your device asks you once whether to allow it.",
        steps: &["Choose \"Allow\" when you're asked about Bluetooth.", ASK_AGAIN],
    },
    FindingText {
        code: C::MacosHostAppNotAllowed,
        title: "{host_app} isn't allowed to use Bluetooth",
        explanation: "On a Mac, a program started from {host_app} uses {host_app}'s Bluetooth permission, and {host_app} doesn't have it.",
        steps: &[
            "Open System Settings > Privacy & Security > Bluetooth.",
            "Switch on {host_app}.",
            "Quit and reopen {host_app}, then run latchkey again.",
        ],
    },
    FindingText {
        code: C::BluetoothPermission,
        title: "A permission the app needs is missing",
        explanation: "The phone didn't let the app use Bluetooth, so it couldn't reach the lock.",
        steps: &[
            "Open the app's settings.",
            "Allow Bluetooth (on Android: \"Nearby devices\", and Location if it is listed).",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::AndroidScanPermissionMissing,
        title: "Allow \"Nearby devices\" so the app can find the lock",
        explanation: "On {android_version}, an app needs the \"Nearby devices\" permission to look for Bluetooth devices such as your lock. The app doesn't use it to find your location.",
        steps: &["Choose \"Allow\" when Android asks about nearby devices.", ASK_AGAIN],
    },
    FindingText {
        code: C::AndroidScanPermissionBlocked,
        title: "\"Nearby devices\" is turned off for this app",
        explanation: "The app needs the \"Nearby devices\" permission to find the lock. It was declined before, and Android no longer asks, so only the app's settings can turn it on.",
        steps: &[
            "Open the app's settings.",
            "Tap Permissions, then Nearby devices.",
            "Choose \"Allow\".",
            "Come back to the app and try again.",
        ],
    },
    FindingText {
        code: C::AndroidConnectPermissionMissing,
        title: "Allow \"Nearby devices\" so the app can connect to the lock",
        explanation: "On {android_version}, an app needs the \"Nearby devices\" permission to connect to a Bluetooth device such as your lock.",
        steps: &["Choose \"Allow\" when Android asks about nearby devices.", ASK_AGAIN],
    },
    FindingText {
        code: C::AndroidConnectPermissionBlocked,
        title: "\"Nearby devices\" is turned off for this app",
        explanation: "The app needs the \"Nearby devices\" permission to connect to the lock. It was declined before, and Android no longer asks, so only the app's settings can turn it on.",
        steps: &[
            "Open the app's settings.",
            "Tap Permissions, then Nearby devices.",
            "Choose \"Allow\".",
            "Come back to the app and try again.",
        ],
    },
    FindingText {
        code: C::AndroidLocationPermissionMissing,
        title: "Allow location so Android lets the app find the lock",
        explanation: "On {android_version}, Android lets an app search for Bluetooth devices only if it may use location, because the devices around you can reveal where you are. The app uses this only to find your lock; it doesn't read or keep your location.",
        steps: &[
            "Choose \"While using the app\" (and \"Precise\" if offered) when Android asks about location.",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::AndroidLocationPermissionBlocked,
        title: "Location is turned off for this app, so it can't find the lock",
        explanation: "On {android_version}, Android lets an app search for Bluetooth devices only if it may use location, because the devices around you can reveal where you are. It was declined before and Android no longer asks, so only the app's settings can turn it on. The app doesn't read or keep your location.",
        steps: &[
            "Open the app's settings.",
            "Tap Permissions, then Location.",
            "Choose \"Allow only while using the app\" and switch on \"Use precise location\".",
            "Come back to the app and try again.",
        ],
    },
    FindingText {
        code: C::AndroidPreciseLocationNeeded,
        title: "The app needs precise location to find the lock",
        explanation: "The app has only your approximate location. On {android_version}, searching for Bluetooth devices needs precise location, because nearby devices can reveal exactly where you are. The app uses it only to find your lock.",
        steps: &[
            "Choose \"Change to precise location\" when Android asks.",
            "Or open the app's settings, tap Permissions, then Location, and switch on \"Use precise location\".",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::AndroidLocationServicesOff,
        title: "Turn on Location so the phone can find the lock",
        explanation: "On {android_version}, Android shows Bluetooth devices to apps only while Location is on for the whole phone, because the devices around you can reveal where you are. While it is off, the search for the lock finds nothing and shows no error. The app doesn't read or keep your location.",
        steps: &["Switch Location on in quick settings or Settings > Location.", ASK_AGAIN],
    },
    FindingText {
        code: C::AndroidBackgroundLocationMissing,
        title: "The app can't find the lock while it's in the background",
        explanation: "On {android_version}, searching for Bluetooth devices while the app isn't on screen needs location \"all the time\", because nearby devices can reveal where you are. Without it, the app reaches the lock only while it is open.",
        steps: &[
            "Open the app to unlock: it works while the app is on screen.",
            "To let it work in the background, open the app's settings, tap Permissions, then Location, and choose \"Allow all the time\".",
        ],
    },
    FindingText {
        code: C::AndroidBackgroundRestricted,
        title: "Android restricts this app in the background",
        explanation: "Background use is restricted for this app, so Android stops it from using Bluetooth and the internet when it isn't on screen. Unlocking works while the app is open; background updates and syncing don't.",
        steps: &[
            "Open the app's battery settings.",
            "Choose \"Unrestricted\" (or turn off \"Restrict background activity\").",
            "Meanwhile, open the app to unlock.",
        ],
    },
    FindingText {
        code: C::AndroidBatteryOptimised,
        title: "Battery saving may pause the app in the background",
        explanation: "Android's battery optimisation can pause the app when it isn't on screen, which delays status updates and syncing. Unlocking with the app open is not affected.",
        steps: &[
            "Open the battery optimisation settings.",
            "Find this app and choose \"Don't optimise\" (or \"Unrestricted\").",
        ],
    },
    FindingText {
        code: C::IosBackgroundModeMissing,
        title: "This version of the app can't use Bluetooth in the background",
        explanation: "iOS lets an app use Bluetooth in the background only if the app was built for it, and this build wasn't. Unlocking works while the app is open.",
        steps: &[
            "Open the app to unlock.",
            "Update the app; if it persists, tell the app's support.",
        ],
    },
    FindingText {
        code: C::AndroidScanThrottled,
        title: "Too many searches: Android is pausing them",
        explanation: "Android lets an app start only 5 Bluetooth searches every 30 seconds and silently ignores the rest, so searching again now only makes the wait longer.",
        steps: &[
            "Don't refresh or tap again for {seconds, plural, one {# second} other {# seconds}}.",
            "Then try once.",
        ],
    },
    FindingText {
        code: C::LockOutOfRange,
        title: "The lock isn't within reach",
        explanation: "The phone searched but couldn't hear the lock. Bluetooth reaches a few metres, less through walls and metal doors.",
        steps: &[
            "Stand within about 2 metres of the lock, on the same side of the door.",
            ASK_AGAIN,
            "If the lock still can't be found, touch it: if it doesn't light up or beep, its batteries may be empty.",
        ],
    },
    FindingText {
        code: C::WeakSignal,
        title: "The lock's signal is weak",
        explanation: "The phone hears the lock only faintly, so connecting can be slow or fail.",
        steps: &[
            "Move closer to the lock, ideally within 2 metres and in front of the door.",
            "Hold the phone in your hand rather than in a pocket or bag.",
        ],
    },
    FindingText {
        code: C::GattConnectionFailed,
        title: "The connection attempt failed; trying again usually works",
        explanation: "Android reported a general connection error (status {gatt_status}). It happens now and then with Bluetooth, and a second try usually works.",
        steps: &[
            "Wait 5 seconds, then try again.",
            "If it fails twice more, switch Bluetooth off and on again.",
            "If it still fails, restart the phone.",
        ],
    },
    FindingText {
        code: C::GattConnectionTimeout,
        title: "The connection to the lock timed out",
        explanation: "The phone started connecting but the lock's answer didn't arrive in time (status {gatt_status}). This usually means the lock is at the edge of its range.",
        steps: &["Move closer to the lock.", ASK_AGAIN],
    },
    FindingText {
        code: C::GattDisconnectedByLock,
        title: "The lock ended the connection",
        explanation: "The lock closed the connection (status {gatt_status}). Locks do this when they are busy, for example while another phone is connected.",
        steps: &["Wait 10 seconds.", ASK_AGAIN],
    },
    FindingText {
        code: C::GattDisconnectedByPhone,
        title: "The phone's Bluetooth dropped the connection",
        explanation: "The phone's own Bluetooth ended the connection (status {gatt_status}), often because it is busy with other devices such as headphones or a watch.",
        steps: &[
            "Wait a few seconds and try again.",
            "If it happens again, switch Bluetooth off and on again.",
        ],
    },
    FindingText {
        code: C::GattPairingProblem,
        title: "An old Bluetooth pairing gets in the way",
        explanation: "The phone tried to use a saved Bluetooth pairing with the lock and it didn't match (status {gatt_status}). The app doesn't need pairing, and an old one left in the phone's settings disturbs the connection.",
        steps: &[
            "Open the Bluetooth settings.",
            "If the lock is listed among paired or saved devices, tap it and choose \"Forget\" (or \"Unpair\").",
            ASK_AGAIN,
        ],
    },
    FindingText {
        code: C::GattError,
        title: "A Bluetooth error interrupted the connection",
        explanation: "Android reported Bluetooth error {gatt_status} while connecting to the lock.",
        steps: &[
            "Wait a few seconds and try again.",
            "If it keeps happening, switch Bluetooth off and on again.",
        ],
    },
    FindingText {
        code: C::ConnectionFailed,
        title: "The connection to the lock dropped",
        explanation: "The phone found the lock, but the connection failed before the request reached it, so nothing happened at the door.",
        steps: &["Stay close to the lock.", "Wait a few seconds and try again."],
    },
    FindingText {
        code: C::OutcomeUnknown,
        title: "The lock may have acted, but its answer was lost",
        explanation: "Your request reached the lock, then the connection dropped before the answer came back. The lock may have locked or unlocked.",
        steps: &[
            "Check the door before trying again.",
            "Open the app near the lock to see its current state.",
        ],
    },
    FindingText {
        code: C::LockNotAdvertising,
        title: "The lock is awake, but its Bluetooth can't be found",
        explanation: "The lock reacts when you touch it and your phone's Bluetooth works, yet the phone can't hear the lock. The lock's radio may need a restart or a repair.",
        steps: &[
            "Try with another phone that has a key, if there is one.",
            "Restart the lock: take one battery out for 10 seconds and put it back.",
            "If it still can't be found, call a technician, and use your backup way in meanwhile.",
        ],
    },
];
