// Stub of android.bluetooth.le.ScanCallback (API 36); see androidStub/README.md.
// The callbacks do nothing by default, as on Android.
package android.bluetooth.le;

public abstract class ScanCallback {
    public static final int SCAN_FAILED_APPLICATION_REGISTRATION_FAILED = 2;

    public void onScanResult(int callbackType, ScanResult result) {}

    public void onScanFailed(int errorCode) {}
}
