// Stub of android.bluetooth.BluetoothGatt (API 36); see androidStub/README.md.
package android.bluetooth;

import java.util.UUID;

public class BluetoothGatt implements BluetoothProfile {
    public static final int GATT_SUCCESS = 0;

    public boolean requestMtu(int mtu) {
        throw new RuntimeException("Stub!");
    }

    public boolean discoverServices() {
        throw new RuntimeException("Stub!");
    }

    public BluetoothGattService getService(UUID uuid) {
        throw new RuntimeException("Stub!");
    }

    public boolean setCharacteristicNotification(BluetoothGattCharacteristic characteristic, boolean enable) {
        throw new RuntimeException("Stub!");
    }

    /** @deprecated Use {@link #writeDescriptor(BluetoothGattDescriptor, byte[])} (API 33). */
    @Deprecated
    public boolean writeDescriptor(BluetoothGattDescriptor descriptor) {
        throw new RuntimeException("Stub!");
    }

    /** API 33. Returns a {@link BluetoothStatusCodes} value. */
    public int writeDescriptor(BluetoothGattDescriptor descriptor, byte[] value) {
        throw new RuntimeException("Stub!");
    }

    /** @deprecated Use {@link #writeCharacteristic(BluetoothGattCharacteristic, byte[], int)} (API 33). */
    @Deprecated
    public boolean writeCharacteristic(BluetoothGattCharacteristic characteristic) {
        throw new RuntimeException("Stub!");
    }

    /**
     * API 33. Returns a {@link BluetoothStatusCodes} value; throws
     * IllegalArgumentException for a value longer than 512 bytes.
     */
    public int writeCharacteristic(BluetoothGattCharacteristic characteristic, byte[] value, int writeType) {
        throw new RuntimeException("Stub!");
    }

    public void disconnect() {
        throw new RuntimeException("Stub!");
    }

    public void close() {
        throw new RuntimeException("Stub!");
    }
}
