// The reference platform keys for Android: the holder key and the key
// that wraps the store's data key, both in Android Keystore, in StrongBox
// when the device has one (Android 9+), else in the TEE. The JCA code is
// JcaSigner/JcaKeyStore (tested on the JVM with the JDK's providers);
// this file only creates the keys with Android's parameters and names
// Android's exceptions.
//
//   val client = LatchkeyClientBuilder(config)
//       .keyStore(AndroidKeystoreKeyStore(context))
//       .signer(AndroidKeystoreSigner(context))
//       ...
//
// User presence (AndroidKeystoreSigner(context, presence = …)):
// - UserPresence.None (default): the phone signs whenever the app asks,
//   like a car key fob; the screen lock still protects the device.
// - UserPresence.UnlockedDevice: signing fails while the device is
//   locked (Android 9+; "unlock from the lock screen" stops working).
// - UserPresence.RecentAuthentication(seconds): the person must have
//   unlocked or passed a biometric prompt (strong biometric or device
//   credential) within `seconds` (Android 11+). Show a BiometricPrompt
//   before unlocking; without it the command fails with PhoneKey
//   ("phone_key_unavailable": authentication required), nothing sent.
// Per-use authentication (a CryptoObject per signature) does not fit:
// the library signs on its own thread, in the middle of the exchange.
package dev.latchkey.android

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyInfo
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import dev.latchkey.KeyProtection
import dev.latchkey.KeyStore
import dev.latchkey.KeyStoreException
import dev.latchkey.Signer
import java.security.GeneralSecurityException
import java.security.KeyFactory
import java.security.KeyPairGenerator
import java.security.PrivateKey
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.SecretKeyFactory

private const val PROVIDER = "AndroidKeyStore"

/** When the holder key may sign (see the file's header). */
sealed class UserPresence {
    /** Whenever the app asks. */
    object None : UserPresence()

    /** Only while the device is unlocked (Android 9+). */
    object UnlockedDevice : UserPresence()

    /** Within [seconds] of an unlock or a biometric prompt (Android 11+). */
    data class RecentAuthentication(val seconds: Int) : UserPresence()
}

/** The holder key in Android Keystore (StrongBox when present), created on first use. */
class AndroidKeystoreSigner(
    context: Context,
    alias: String = "dev.latchkey.holder",
    presence: UserPresence = UserPresence.None,
) : Signer by JcaSigner(AndroidHolderKey(context, alias, presence), PROVIDER, ::classifyAndroid)

/** The data-key wrapping key in Android Keystore (StrongBox when present), created on first use. */
class AndroidKeystoreKeyStore(context: Context, alias: String = "dev.latchkey.store") :
    KeyStore by JcaKeyStore(AndroidWrappingKey(context, alias), PROVIDER, ::classifyAndroid)

private fun keystore(): java.security.KeyStore = java.security.KeyStore.getInstance(PROVIDER).apply { load(null) }

private fun hasStrongBox(context: Context): Boolean =
    Build.VERSION.SDK_INT >= 28 && context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)

/** Creates a key with `spec(strongBox)`, falling back from StrongBox to the TEE. */
private fun <T> createPreferringStrongBox(context: Context, create: (strongBox: Boolean) -> T): T {
    if (hasStrongBox(context)) {
        try {
            return create(true)
        } catch (e: StrongBoxUnavailableException) {
            // Listed but unusable for this key: the TEE holds it instead.
        }
    }
    return create(false)
}

/** Where Android Keystore put a key, from its KeyInfo (before API 31, only "secure hardware" or not). */
@Suppress("DEPRECATION")
private fun protectionOf(info: KeyInfo): KeyProtection = when {
    Build.VERSION.SDK_INT >= 31 -> when (info.securityLevel) {
        KeyProperties.SECURITY_LEVEL_STRONGBOX -> KeyProtection.STRONG_BOX
        KeyProperties.SECURITY_LEVEL_TRUSTED_ENVIRONMENT -> KeyProtection.TRUSTED_ENVIRONMENT
        else -> KeyProtection.PLATFORM
    }
    info.isInsideSecureHardware -> KeyProtection.TRUSTED_ENVIRONMENT
    else -> KeyProtection.PLATFORM
}

private class AndroidHolderKey(
    private val context: Context,
    private val alias: String,
    private val presence: UserPresence,
) : JcaHolderKey {
    override fun privateKey(): PrivateKey {
        (keystore().getKey(alias, null) as? PrivateKey)?.let { return it }
        createPreferringStrongBox(context) { strongBox ->
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
                .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                .setDigests(KeyProperties.DIGEST_SHA256)
                .apply { if (Build.VERSION.SDK_INT >= 28) setIsStrongBoxBacked(strongBox) }
                .apply { presence(this) }
                .build()
            KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, PROVIDER).apply { initialize(spec) }
                .generateKeyPair()
        }
        return keystore().getKey(alias, null) as PrivateKey
    }

    private fun presence(builder: KeyGenParameterSpec.Builder) {
        when (presence) {
            UserPresence.None -> {}
            UserPresence.UnlockedDevice -> if (Build.VERSION.SDK_INT >= 28) builder.setUnlockedDeviceRequired(true)
            is UserPresence.RecentAuthentication -> if (Build.VERSION.SDK_INT >= 30) {
                builder.setUserAuthenticationRequired(true)
                builder.setUserAuthenticationParameters(
                    presence.seconds.coerceAtLeast(1),
                    KeyProperties.AUTH_BIOMETRIC_STRONG or KeyProperties.AUTH_DEVICE_CREDENTIAL,
                )
            }
        }
    }

    override fun publicKey(): ECPublicKey {
        privateKey()
        return keystore().getCertificate(alias).publicKey as ECPublicKey
    }

    override val protection: KeyProtection
        get() = protectionOf(
            KeyFactory.getInstance(KeyProperties.KEY_ALGORITHM_EC, PROVIDER).getKeySpec(privateKey(), KeyInfo::class.java),
        )

    override fun delete() = keystore().deleteEntry(alias)
}

private class AndroidWrappingKey(private val context: Context, private val alias: String) : JcaWrappingKey {
    override fun secretKey(): SecretKey {
        (keystore().getKey(alias, null) as? SecretKey)?.let { return it }
        return createPreferringStrongBox(context) { strongBox ->
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .apply { if (Build.VERSION.SDK_INT >= 28) setIsStrongBoxBacked(strongBox) }
                .build()
            KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).apply { init(spec) }.generateKey()
        }
    }

    override val protection: KeyProtection
        get() = protectionOf(
            SecretKeyFactory.getInstance(secretKey().algorithm, PROVIDER)
                .getKeySpec(secretKey(), KeyInfo::class.java) as KeyInfo,
        )

    override fun delete() = keystore().deleteEntry(alias)
}

/** Android Keystore's exceptions as the library's errors. */
private fun classifyAndroid(e: GeneralSecurityException): KeyStoreException = when (e) {
    // The key was invalidated (new biometrics, the lock screen removed):
    // what it protected can't be opened again.
    is KeyPermanentlyInvalidatedException -> KeyStoreException.WrongKey()
    is UserNotAuthenticatedException -> KeyStoreException.Unavailable("authentication required: ${e.message}")
    else -> unavailable(e)
}
