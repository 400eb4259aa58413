// Stub of android.security.keystore.UserNotAuthenticatedException (API 36); see androidStub/README.md.
package android.security.keystore;

import java.security.InvalidKeyException;

public class UserNotAuthenticatedException extends InvalidKeyException {
    public UserNotAuthenticatedException() {}

    public UserNotAuthenticatedException(String message) {
        super(message);
    }
}
