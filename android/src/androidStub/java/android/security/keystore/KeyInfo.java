// Stub of android.security.keystore.KeyInfo (API 36); see androidStub/README.md.
package android.security.keystore;

import java.security.spec.KeySpec;

public class KeyInfo implements KeySpec {
    public KeyInfo() {}

    /** @deprecated Since API 31: {@link #getSecurityLevel()}. */
    @Deprecated
    public boolean isInsideSecureHardware() {
        throw new RuntimeException("Stub!");
    }

    public int getSecurityLevel() {
        throw new RuntimeException("Stub!");
    }
}
