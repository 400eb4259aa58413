// Stub of android.content.res.AssetManager (API 36); see androidStub/README.md.
// Final on Android; open here so a test can serve files.
package android.content.res;

import java.io.IOException;
import java.io.InputStream;

public class AssetManager {
    public AssetManager() {}

    public String[] list(String path) throws IOException {
        throw new RuntimeException("Stub!");
    }

    public InputStream open(String fileName) throws IOException {
        throw new RuntimeException("Stub!");
    }
}
