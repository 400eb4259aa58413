// Stub of android.os.Build (API 36); see androidStub/README.md.
package android.os;

public class Build {
    public static class VERSION {
        /** Final on Android; settable here so that a test picks the API level. */
        public static int SDK_INT = VERSION_CODES.BAKLAVA;
    }

    public static class VERSION_CODES {
        public static final int S = 31;
        public static final int TIRAMISU = 33;
        public static final int BAKLAVA = 36;
    }
}
