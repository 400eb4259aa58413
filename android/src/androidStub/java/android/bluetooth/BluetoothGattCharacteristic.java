// Stub of android.bluetooth.BluetoothGattCharacteristic (API 36); see androidStub/README.md.
// A value holder, as on Android.
package android.bluetooth;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

public class BluetoothGattCharacteristic {
    public static final int PROPERTY_WRITE_NO_RESPONSE = 4;
    public static final int PROPERTY_NOTIFY = 16;
    public static final int PERMISSION_WRITE = 16;
    public static final int WRITE_TYPE_NO_RESPONSE = 1;
    public static final int WRITE_TYPE_DEFAULT = 2;

    private final UUID uuid;
    private final List<BluetoothGattDescriptor> descriptors = new ArrayList<>();
    private int writeType = WRITE_TYPE_DEFAULT;
    private byte[] value;

    public BluetoothGattCharacteristic(UUID uuid, int properties, int permissions) {
        this.uuid = uuid;
    }

    public UUID getUuid() {
        return uuid;
    }

    public boolean addDescriptor(BluetoothGattDescriptor descriptor) {
        descriptors.add(descriptor);
        return true;
    }

    public BluetoothGattDescriptor getDescriptor(UUID uuid) {
        for (BluetoothGattDescriptor d : descriptors) {
            if (d.getUuid().equals(uuid)) return d;
        }
        return null;
    }

    public int getWriteType() {
        return writeType;
    }

    public void setWriteType(int writeType) {
        this.writeType = writeType;
    }

    /** @deprecated Use the value passed to the API 33 read and notification callbacks. */
    @Deprecated
    public byte[] getValue() {
        return value;
    }

    /** @deprecated Use {@link BluetoothGatt#writeCharacteristic(BluetoothGattCharacteristic, byte[], int)}. */
    @Deprecated
    public boolean setValue(byte[] value) {
        this.value = value;
        return true;
    }
}
