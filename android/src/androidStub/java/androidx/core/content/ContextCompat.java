// Stub of androidx.core.content.ContextCompat (core 1.13); see androidStub/README.md.
package androidx.core.content;

import android.content.Context;

public class ContextCompat {
    /** The platform check, as androidx makes it on API 23+. */
    public static int checkSelfPermission(Context context, String permission) {
        return context.checkSelfPermission(permission);
    }
}
