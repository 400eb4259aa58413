// Stub of android.location.LocationManager (API 36); see androidStub/README.md.
package android.location;

public class LocationManager {
    /** API 28. */
    public boolean isLocationEnabled() {
        throw new RuntimeException("Stub!");
    }
}
