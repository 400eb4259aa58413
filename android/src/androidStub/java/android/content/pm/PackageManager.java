// Stub of android.content.pm.PackageManager (API 36); see androidStub/README.md.
package android.content.pm;

public abstract class PackageManager {
    public static final int PERMISSION_GRANTED = 0;
    public static final int GET_PERMISSIONS = 0x00001000;
    public static final String FEATURE_BLUETOOTH = "android.hardware.bluetooth";
    public static final String FEATURE_BLUETOOTH_LE = "android.hardware.bluetooth_le";
    public static final String FEATURE_STRONGBOX_KEYSTORE = "android.hardware.strongbox_keystore";

    public PackageManager() {}

    public abstract boolean hasSystemFeature(String featureName);

    public abstract PackageInfo getPackageInfo(String packageName, int flags) throws NameNotFoundException;

    /** On Android it extends android.util.AndroidException, which extends Exception. */
    public static class NameNotFoundException extends Exception {
        public NameNotFoundException(String name) {
            super(name);
        }
    }
}
