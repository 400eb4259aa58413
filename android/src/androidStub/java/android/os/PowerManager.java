// Stub of android.os.PowerManager (API 36); see androidStub/README.md.
package android.os;

public class PowerManager {
    public boolean isIgnoringBatteryOptimizations(String packageName) {
        throw new RuntimeException("Stub!");
    }
}
