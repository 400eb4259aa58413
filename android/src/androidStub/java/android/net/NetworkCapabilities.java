// Stub of android.net.NetworkCapabilities (API 36); see androidStub/README.md.
package android.net;

public class NetworkCapabilities {
    public static final int NET_CAPABILITY_INTERNET = 12;
    public static final int NET_CAPABILITY_VALIDATED = 16;

    public boolean hasCapability(int capability) {
        throw new RuntimeException("Stub!");
    }
}
