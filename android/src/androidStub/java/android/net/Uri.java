// Stub of android.net.Uri (API 36); see androidStub/README.md.
package android.net;

public abstract class Uri {
    public static Uri fromParts(String scheme, String ssp, String fragment) {
        throw new RuntimeException("Stub!");
    }
}
