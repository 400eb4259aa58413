// Stub of android.bluetooth.BluetoothDevice (API 36); see androidStub/README.md.
package android.bluetooth;

import android.content.Context;

public class BluetoothDevice {
    public static final int TRANSPORT_LE = 2;

    public String getAddress() {
        throw new RuntimeException("Stub!");
    }

    public BluetoothGatt connectGatt(Context context, boolean autoConnect, BluetoothGattCallback callback,
            int transport) {
        throw new RuntimeException("Stub!");
    }
}
