// Stub of android.net.ConnectivityManager (API 36); see androidStub/README.md.
package android.net;

public class ConnectivityManager {
    public Network getActiveNetwork() {
        throw new RuntimeException("Stub!");
    }

    public NetworkCapabilities getNetworkCapabilities(Network network) {
        throw new RuntimeException("Stub!");
    }
}
