// Stub of android.bluetooth.le.ScanSettings (API 36); see androidStub/README.md.
// A value holder built by its Builder, as on Android.
package android.bluetooth.le;

public class ScanSettings {
    public static final int SCAN_MODE_LOW_POWER = 0;
    public static final int SCAN_MODE_LOW_LATENCY = 2;
    public static final int CALLBACK_TYPE_ALL_MATCHES = 1;

    private final int scanMode;

    private ScanSettings(int scanMode) {
        this.scanMode = scanMode;
    }

    public int getScanMode() {
        return scanMode;
    }

    public static final class Builder {
        private int scanMode = SCAN_MODE_LOW_POWER;

        public Builder() {}

        public Builder setScanMode(int scanMode) {
            this.scanMode = scanMode;
            return this;
        }

        public ScanSettings build() {
            return new ScanSettings(scanMode);
        }
    }
}
