// Stub of android.content.BroadcastReceiver (API 36); see androidStub/README.md.
package android.content;

public abstract class BroadcastReceiver {
    public BroadcastReceiver() {}

    public abstract void onReceive(Context context, Intent intent);
}
