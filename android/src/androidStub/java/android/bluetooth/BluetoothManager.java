// Stub of android.bluetooth.BluetoothManager (API 36); see androidStub/README.md.
package android.bluetooth;

public class BluetoothManager {
    public BluetoothAdapter getAdapter() {
        throw new RuntimeException("Stub!");
    }
}
