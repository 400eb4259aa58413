// Stub of android.app.ActivityManager (API 36); see androidStub/README.md.
package android.app;

public class ActivityManager {
    public boolean isBackgroundRestricted() {
        throw new RuntimeException("Stub!");
    }
}
