// Stub of android.bluetooth.BluetoothProfile (API 36); see androidStub/README.md.
package android.bluetooth;

public interface BluetoothProfile {
    int STATE_DISCONNECTED = 0;
    int STATE_CONNECTING = 1;
    int STATE_CONNECTED = 2;
    int STATE_DISCONNECTING = 3;
}
