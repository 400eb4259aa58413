// Stub of android.app.Activity (API 36); see androidStub/README.md.
package android.app;

import android.content.ContextWrapper;

public class Activity extends ContextWrapper {
    public Activity() {
        super(null);
    }

    public boolean shouldShowRequestPermissionRationale(String permission) {
        throw new RuntimeException("Stub!");
    }
}
