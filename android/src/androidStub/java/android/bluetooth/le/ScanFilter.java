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

        /** Throws IllegalArgumentException for a negative id or a mask of another length, as on Android. */
        public Builder setManufacturerData(int manufacturerId, byte[] manufacturerData, byte[] manufacturerDataMask) {
            if (manufacturerId < 0) throw new IllegalArgumentException("invalid manufacture id");
            if (manufacturerData != null && manufacturerDataMask != null
                    && manufacturerData.length != manufacturerDataMask.length) {
                throw new IllegalArgumentException("size mismatch for manufacturerData and manufacturerDataMask");
            }
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
