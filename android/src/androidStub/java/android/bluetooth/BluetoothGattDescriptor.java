// Stub of android.bluetooth.BluetoothGattDescriptor (API 36); see androidStub/README.md.
// A value holder, as on Android.
package android.bluetooth;

import java.util.UUID;

public class BluetoothGattDescriptor {
    public static final byte[] ENABLE_NOTIFICATION_VALUE = {0x01, 0x00};
    public static final int PERMISSION_WRITE = 16;

    private final UUID uuid;
    private byte[] value;

    public BluetoothGattDescriptor(UUID uuid, int permissions) {
        this.uuid = uuid;
    }

    public UUID getUuid() {
        return uuid;
    }

    /** @deprecated Use the value passed to the API 33 read callback. */
    @Deprecated
    public byte[] getValue() {
        return value;
    }

    /** @deprecated Use {@link BluetoothGatt#writeDescriptor(BluetoothGattDescriptor, byte[])}. */
    @Deprecated
    public boolean setValue(byte[] value) {
        this.value = value;
        return true;
    }
}
