// Stub of android.content.pm.ApplicationInfo (API 36); see androidStub/README.md.
package android.content.pm;

public class ApplicationInfo {
    public int targetSdkVersion;

    public ApplicationInfo() {}
}
