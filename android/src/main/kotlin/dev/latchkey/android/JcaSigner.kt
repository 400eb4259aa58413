// The holder key's Signer over the standard JCA interfaces, whatever
// provider holds the key: Android Keystore on a phone
// (AndroidKeystoreSigner.kt builds one), the JDK's EC provider in the JVM
// tests. It returns the platform's DER signature as it comes: the library
// converts it to the fixed 64-byte r ‖ s itself (leading-zero and short
// scalars included), so no app writes that conversion. Plain JDK + the
// generated bindings.
package dev.latchkey.android

import dev.latchkey.KeyProtection
import dev.latchkey.KeyStoreException
import dev.latchkey.Signer
import java.math.BigInteger
import java.security.GeneralSecurityException
import java.security.PrivateKey
import java.security.Signature
import java.security.interfaces.ECPublicKey

/** A P-256 key pair held by a JCA provider, created on first use. */
interface JcaHolderKey {
    /** The private key (a handle, for a hardware provider), created if missing. */
    fun privateKey(): PrivateKey

    /** Its public key. */
    fun publicKey(): ECPublicKey

    /** Where the provider keeps it. */
    val protection: KeyProtection

    /** Deletes the key pair; a missing one is no error. */
    fun delete()
}

/**
 * Signs with SHA256withECDSA through [provider] (null: the JCA's choice).
 * [classify] turns a provider's exception into the library's error; the
 * default says "unavailable" with the provider's message.
 */
class JcaSigner(
    private val key: JcaHolderKey,
    private val provider: String? = null,
    private val classify: (GeneralSecurityException) -> KeyStoreException = ::unavailable,
) : Signer {
    override fun publicKey(): ByteArray = guarded { sec1Uncompressed(key.publicKey()) }

    override fun sign(message: ByteArray): ByteArray = guarded {
        val signature = if (provider == null) {
            Signature.getInstance("SHA256withECDSA")
        } else {
            Signature.getInstance("SHA256withECDSA", provider)
        }
        signature.initSign(key.privateKey())
        signature.update(message)
        signature.sign()
    }

    override fun protection(): KeyProtection = key.protection

    override fun deleteKey() = guarded { key.delete() }

    private fun <T> guarded(body: () -> T): T = try {
        body()
    } catch (e: GeneralSecurityException) {
        throw classify(e)
    }
}

/** SEC1 uncompressed encoding of a P-256 public key: 04 ‖ x ‖ y, 65 bytes. */
fun sec1Uncompressed(key: ECPublicKey): ByteArray =
    byteArrayOf(4) + fixed32(key.w.affineX) + fixed32(key.w.affineY)

/** A coordinate as exactly 32 big-endian bytes (BigInteger adds or drops leading zeros). */
private fun fixed32(v: BigInteger): ByteArray {
    val bytes = v.toByteArray()
    return when {
        bytes.size == 32 -> bytes
        bytes.size > 32 -> bytes.copyOfRange(bytes.size - 32, bytes.size)
        else -> ByteArray(32 - bytes.size) + bytes
    }
}

/** The default classification: the platform can't do it now. */
internal fun unavailable(e: GeneralSecurityException): KeyStoreException =
    KeyStoreException.Unavailable(e.message ?: e.javaClass.simpleName)
