// Stub of android.content.pm.PackageInfo (API 36); see androidStub/README.md.
package android.content.pm;

public class PackageInfo {
    public static final int REQUESTED_PERMISSION_NEVER_FOR_LOCATION = 0x00010000;

    public String[] requestedPermissions;
    public int[] requestedPermissionsFlags;

    public PackageInfo() {}
}
