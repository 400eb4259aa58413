// Stub of android.bluetooth.le.BluetoothLeScanner (API 36); see androidStub/README.md.
package android.bluetooth.le;

import java.util.List;

public class BluetoothLeScanner {
    public void startScan(List<ScanFilter> filters, ScanSettings settings, ScanCallback callback) {
        throw new RuntimeException("Stub!");
    }

    public void stopScan(ScanCallback callback) {
        throw new RuntimeException("Stub!");
    }
}
