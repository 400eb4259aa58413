// The KeyStore that wraps the credential store's data key with AES-GCM
// under a key a JCA provider holds: Android Keystore on a phone
// (AndroidKeystoreKeyStore, in AndroidKeystoreSigner.kt), the JDK's AES in
// the JVM tests. The provider makes the IV (Android Keystore insists on
// it), which travels in front of the ciphertext. Plain JDK + the
// generated bindings.
package dev.latchkey.android

import dev.latchkey.KeyProtection
import dev.latchkey.KeyStore
import dev.latchkey.KeyStoreException
import java.security.GeneralSecurityException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/** An AES key held by a JCA provider, created on first use. */
interface JcaWrappingKey {
    /** The key (a handle, for a hardware provider), created if missing. */
    fun secretKey(): SecretKey

    /** Where the provider keeps it. */
    val protection: KeyProtection

    /** Deletes the key; a missing one is no error. */
    fun delete()
}

/** Wraps with AES/GCM/NoPadding through [provider] (null: the JCA's choice). */
class JcaKeyStore(
    private val key: JcaWrappingKey,
    private val provider: String? = null,
    private val classify: (GeneralSecurityException) -> KeyStoreException = ::unavailable,
) : KeyStore {
    override fun wrapDataKey(dataKey: ByteArray): ByteArray = guarded {
        val cipher = cipher()
        cipher.init(Cipher.ENCRYPT_MODE, key.secretKey())
        val iv = cipher.iv
        if (iv == null || iv.size != IV_BYTES) {
            throw KeyStoreException.Crypto("the provider made a ${iv?.size ?: 0}-byte GCM IV, not $IV_BYTES")
        }
        byteArrayOf(FORMAT) + iv + cipher.doFinal(dataKey)
    }

    override fun unwrapDataKey(wrapped: ByteArray): ByteArray {
        if (wrapped.size < 1 + IV_BYTES + TAG_BYTES || wrapped[0] != FORMAT) {
            throw KeyStoreException.InvalidInput("not a data key wrapped by this key store (${wrapped.size} bytes)")
        }
        return guarded {
            val cipher = cipher()
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), GCMParameterSpec(TAG_BYTES * 8, wrapped, 1, IV_BYTES))
            try {
                cipher.doFinal(wrapped, 1 + IV_BYTES, wrapped.size - 1 - IV_BYTES)
            } catch (e: AEADBadTagException) {
                throw KeyStoreException.WrongKey()
            }
        }
    }

    override fun protection(): KeyProtection = key.protection

    override fun deleteKey() = guarded { key.delete() }

    private fun cipher(): Cipher =
        if (provider == null) Cipher.getInstance(TRANSFORMATION) else Cipher.getInstance(TRANSFORMATION, provider)

    private fun <T> guarded(body: () -> T): T = try {
        body()
    } catch (e: KeyStoreException) {
        throw e
    } catch (e: GeneralSecurityException) {
        throw classify(e)
    }

    private companion object {
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val FORMAT: Byte = 1
        const val IV_BYTES = 12
        const val TAG_BYTES = 16
    }
}
