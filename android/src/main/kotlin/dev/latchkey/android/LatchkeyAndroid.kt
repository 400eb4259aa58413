// One-time setup of the native library on Android.
package dev.latchkey.android

import android.content.Context

/**
 * Call [init] once, in `Application.onCreate`, before building a
 * `LatchkeyClient` whose configuration names a cloud and relies on the
 * platform's trust store (no `tlsRootCertificatesPem`): the sync engine's
 * TLS verifier then checks the cloud's certificate with Android's own
 * trust manager (user-installed CAs and revocation included).
 */
object LatchkeyAndroid {
    init {
        System.loadLibrary("latchkey_ffi")
    }

    /** Hands the application context to the TLS verifier. Idempotent. */
    fun init(context: Context) {
        initPlatformVerifier(context.applicationContext)
    }

    @JvmStatic
    private external fun initPlatformVerifier(context: Context)
}
