// Stub of android.bluetooth.le.ScanResult (API 36); see androidStub/README.md.
// A value holder, as on Android.
package android.bluetooth.le;

import android.bluetooth.BluetoothDevice;

public class ScanResult {
    private final BluetoothDevice device;
    private final ScanRecord scanRecord;
    private final int rssi;

    /** @deprecated Use the API 26 constructor with the PHY and advertising fields. */
    @Deprecated
    public ScanResult(BluetoothDevice device, ScanRecord scanRecord, int rssi, long timestampNanos) {
        this.device = device;
        this.scanRecord = scanRecord;
        this.rssi = rssi;
    }

    public BluetoothDevice getDevice() {
        return device;
    }

    public ScanRecord getScanRecord() {
        return scanRecord;
    }

    public int getRssi() {
        return rssi;
    }
}
