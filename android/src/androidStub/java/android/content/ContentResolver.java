// Stub of android.content.ContentResolver (API 36); see androidStub/README.md.
package android.content;

public abstract class ContentResolver {
    public ContentResolver(Context context) {}
}
