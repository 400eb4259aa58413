// Stub of android.bluetooth.BluetoothAdapter (API 36); see androidStub/README.md.
package android.bluetooth;

import android.bluetooth.le.BluetoothLeScanner;

public class BluetoothAdapter {
    public static final String ACTION_REQUEST_ENABLE = "android.bluetooth.adapter.action.REQUEST_ENABLE";
    public static final String ACTION_STATE_CHANGED = "android.bluetooth.adapter.action.STATE_CHANGED";
    public static final String EXTRA_STATE = "android.bluetooth.adapter.extra.STATE";
    public static final int ERROR = Integer.MIN_VALUE;
    public static final int STATE_OFF = 10;
    public static final int STATE_TURNING_ON = 11;
    public static final int STATE_ON = 12;
    public static final int STATE_TURNING_OFF = 13;

    public boolean isEnabled() {
        throw new RuntimeException("Stub!");
    }

    public int getState() {
        throw new RuntimeException("Stub!");
    }

    public BluetoothLeScanner getBluetoothLeScanner() {
        throw new RuntimeException("Stub!");
    }

    public BluetoothDevice getRemoteDevice(String address) {
        throw new RuntimeException("Stub!");
    }
}
