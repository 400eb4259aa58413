// Stub of android.bluetooth.BluetoothGattCallback (API 36); see androidStub/README.md.
// The callbacks do nothing by default, as on Android.
package android.bluetooth;

public abstract class BluetoothGattCallback {
    public void onConnectionStateChange(BluetoothGatt gatt, int status, int newState) {}

    public void onServicesDiscovered(BluetoothGatt gatt, int status) {}

    public void onCharacteristicWrite(BluetoothGatt gatt, BluetoothGattCharacteristic characteristic, int status) {}

    /** @deprecated Use {@link #onCharacteristicChanged(BluetoothGatt, BluetoothGattCharacteristic, byte[])}. */
    @Deprecated
    public void onCharacteristicChanged(BluetoothGatt gatt, BluetoothGattCharacteristic characteristic) {}

    /** API 33; by default calls the deprecated overload, as on Android. */
    public void onCharacteristicChanged(BluetoothGatt gatt, BluetoothGattCharacteristic characteristic,
            byte[] value) {
        onCharacteristicChanged(gatt, characteristic);
    }

    public void onDescriptorWrite(BluetoothGatt gatt, BluetoothGattDescriptor descriptor, int status) {}

    public void onMtuChanged(BluetoothGatt gatt, int mtu, int status) {}
}
