// Stub of android.bluetooth.BluetoothGattService (API 36); see androidStub/README.md.
// A value holder, as on Android.
package android.bluetooth;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

public class BluetoothGattService {
    public static final int SERVICE_TYPE_PRIMARY = 0;

    private final UUID uuid;
    private final List<BluetoothGattCharacteristic> characteristics = new ArrayList<>();

    public BluetoothGattService(UUID uuid, int serviceType) {
        this.uuid = uuid;
    }

    public UUID getUuid() {
        return uuid;
    }

    public boolean addCharacteristic(BluetoothGattCharacteristic characteristic) {
        characteristics.add(characteristic);
        return true;
    }

    public BluetoothGattCharacteristic getCharacteristic(UUID uuid) {
        for (BluetoothGattCharacteristic c : characteristics) {
            if (c.getUuid().equals(uuid)) return c;
        }
        return null;
    }
}
