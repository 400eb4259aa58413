// Stub of android.provider.Settings (API 36); see androidStub/README.md.
package android.provider;

import android.content.ContentResolver;

public final class Settings {
    public static final String ACTION_AIRPLANE_MODE_SETTINGS = "android.settings.AIRPLANE_MODE_SETTINGS";
    public static final String ACTION_APPLICATION_DETAILS_SETTINGS = "android.settings.APPLICATION_DETAILS_SETTINGS";
    public static final String ACTION_BLUETOOTH_SETTINGS = "android.settings.BLUETOOTH_SETTINGS";
    public static final String ACTION_IGNORE_BATTERY_OPTIMIZATION_SETTINGS =
            "android.settings.IGNORE_BATTERY_OPTIMIZATION_SETTINGS";
    public static final String ACTION_LOCATION_SOURCE_SETTINGS = "android.settings.LOCATION_SOURCE_SETTINGS";

    public static final class Global {
        public static final String AIRPLANE_MODE_ON = "airplane_mode_on";

        /** No settings provider here: every setting reads as `def`. */
        public static int getInt(ContentResolver cr, String name, int def) {
            return def;
        }
    }
}
