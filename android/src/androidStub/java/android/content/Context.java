// Stub of android.content.Context (API 36); see androidStub/README.md.
// The abstract methods are abstract on Android too; getSystemService(Class)
// is final there and works the same way.
package android.content;

import android.content.pm.ApplicationInfo;
import android.content.res.AssetManager;
import android.content.res.Resources;
import android.content.pm.PackageManager;

public abstract class Context {
    public static final int MODE_PRIVATE = 0;
    public static final String ACTIVITY_SERVICE = "activity";
    public static final String BLUETOOTH_SERVICE = "bluetooth";
    public static final String CONNECTIVITY_SERVICE = "connectivity";
    public static final String LOCATION_SERVICE = "location";
    public static final String POWER_SERVICE = "power";

    public Context() {}

    public abstract AssetManager getAssets();

    public abstract Resources getResources();

    public abstract Context getApplicationContext();

    public abstract ApplicationInfo getApplicationInfo();

    public abstract ContentResolver getContentResolver();

    public abstract PackageManager getPackageManager();

    public abstract String getPackageName();

    public abstract SharedPreferences getSharedPreferences(String name, int mode);

    public abstract int checkSelfPermission(String permission);

    public abstract Object getSystemService(String name);

    public abstract String getSystemServiceName(Class<?> serviceClass);

    @SuppressWarnings("unchecked")
    public final <T> T getSystemService(Class<T> serviceClass) {
        String name = getSystemServiceName(serviceClass);
        return name != null ? (T) getSystemService(name) : null;
    }

    public abstract Intent registerReceiver(BroadcastReceiver receiver, IntentFilter filter);

    public abstract void unregisterReceiver(BroadcastReceiver receiver);
}
