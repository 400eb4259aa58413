// Stub of android.content.Intent (API 36); see androidStub/README.md.
// Holds its action, data and int extras, as on Android.
package android.content;

import android.net.Uri;
import java.util.HashMap;
import java.util.Map;

public class Intent {
    private final String action;
    private final Uri data;
    private final Map<String, Integer> intExtras = new HashMap<>();

    public Intent(String action) {
        this(action, null);
    }

    public Intent(String action, Uri uri) {
        this.action = action;
        this.data = uri;
    }

    public String getAction() {
        return action;
    }

    public Uri getData() {
        return data;
    }

    public Intent putExtra(String name, int value) {
        intExtras.put(name, value);
        return this;
    }

    public int getIntExtra(String name, int defaultValue) {
        Integer value = intExtras.get(name);
        return value != null ? value : defaultValue;
    }
}
