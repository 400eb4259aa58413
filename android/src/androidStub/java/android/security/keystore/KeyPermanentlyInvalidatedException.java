// Stub of android.security.keystore.KeyPermanentlyInvalidatedException (API 36); see androidStub/README.md.
package android.security.keystore;

import java.security.InvalidKeyException;

public class KeyPermanentlyInvalidatedException extends InvalidKeyException {
    public KeyPermanentlyInvalidatedException() {}

    public KeyPermanentlyInvalidatedException(String message) {
        super(message);
    }
}
