// Stub of android.bluetooth.le.ScanRecord (API 36); see androidStub/README.md.
package android.bluetooth.le;

public class ScanRecord {
    public byte[] getManufacturerSpecificData(int manufacturerId) {
        throw new RuntimeException("Stub!");
    }
}
