// Stub of android.bluetooth.le.ScanFilter (API 36); see androidStub/README.md.
// A value holder built by its Builder, as on Android.
package android.bluetooth.le;

public class ScanFilter {
    private final int manufacturerId;
    private final byte[] manufacturerData;
    private final byte[] manufacturerDataMask;

    private ScanFilter(int manufacturerId, byte[] manufacturerData, byte[] manufacturerDataMask) {
        this.manufacturerId = manufacturerId;
        this.manufacturerData = manufacturerData;
        this.manufacturerDataMask = manufacturerDataMask;
    }

    public int getManufacturerId() {
        return manufacturerId;
    }

    public byte[] getManufacturerData() {
        return manufacturerData;
    }

    public byte[] getManufacturerDataMask() {
        return manufacturerDataMask;
    }

    public static final class Builder {
        private int manufacturerId = -1;
        private byte[] manufacturerData;
        private byte[] manufacturerDataMask;

        public Builder() {}

        /** On Android it throws IllegalArgumentException for a mask of another length (a test checks it). */
        public Builder setManufacturerData(int manufacturerId, byte[] manufacturerData, byte[] manufacturerDataMask) {
            this.manufacturerId = manufacturerId;
            this.manufacturerData = manufacturerData;
            this.manufacturerDataMask = manufacturerDataMask;
            return this;
        }

        public ScanFilter build() {
            return new ScanFilter(manufacturerId, manufacturerData, manufacturerDataMask);
        }
    }
}
