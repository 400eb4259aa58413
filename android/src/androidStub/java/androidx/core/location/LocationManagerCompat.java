// Stub of androidx.core.location.LocationManagerCompat (core 1.13); see androidStub/README.md.
package androidx.core.location;

import android.location.LocationManager;

public final class LocationManagerCompat {
    /** The platform call, as androidx makes it on API 28+. */
    public static boolean isLocationEnabled(LocationManager locationManager) {
        return locationManager.isLocationEnabled();
    }
}
