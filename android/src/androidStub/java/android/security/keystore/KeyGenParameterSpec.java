// Stub of android.security.keystore.KeyGenParameterSpec (API 36); see androidStub/README.md.
package android.security.keystore;

import java.security.spec.AlgorithmParameterSpec;

public final class KeyGenParameterSpec implements AlgorithmParameterSpec {
    private KeyGenParameterSpec() {}

    public static final class Builder {
        public Builder(String keystoreAlias, int purposes) {
            throw new RuntimeException("Stub!");
        }

        public Builder setAlgorithmParameterSpec(AlgorithmParameterSpec spec) {
            throw new RuntimeException("Stub!");
        }

        public Builder setDigests(String... digests) {
            throw new RuntimeException("Stub!");
        }

        public Builder setBlockModes(String... blockModes) {
            throw new RuntimeException("Stub!");
        }

        public Builder setEncryptionPaddings(String... paddings) {
            throw new RuntimeException("Stub!");
        }

        public Builder setKeySize(int keySize) {
            throw new RuntimeException("Stub!");
        }

        public Builder setIsStrongBoxBacked(boolean isStrongBoxBacked) {
            throw new RuntimeException("Stub!");
        }

        public Builder setUnlockedDeviceRequired(boolean unlockedDeviceRequired) {
            throw new RuntimeException("Stub!");
        }

        public Builder setUserAuthenticationRequired(boolean required) {
            throw new RuntimeException("Stub!");
        }

        public Builder setUserAuthenticationParameters(int timeout, int type) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec build() {
            throw new RuntimeException("Stub!");
        }
    }
}
