// Stub of android.bluetooth.BluetoothStatusCodes (API 36); see androidStub/README.md.
package android.bluetooth;

public final class BluetoothStatusCodes {
    public static final int SUCCESS = 0;
    public static final int ERROR_GATT_WRITE_REQUEST_BUSY = 201;

    private BluetoothStatusCodes() {}
}
