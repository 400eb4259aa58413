// Stub of android.security.keystore.StrongBoxUnavailableException (API 36); see androidStub/README.md.
package android.security.keystore;

import java.security.ProviderException;

public class StrongBoxUnavailableException extends ProviderException {
    public StrongBoxUnavailableException() {}

    public StrongBoxUnavailableException(String message) {
        super(message);
    }
}
