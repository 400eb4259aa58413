// Stub of android.content.res.Resources (API 36); see androidStub/README.md.
package android.content.res;

public class Resources {
    public Resources() {}

    public Configuration getConfiguration() {
        throw new RuntimeException("Stub!");
    }
}
