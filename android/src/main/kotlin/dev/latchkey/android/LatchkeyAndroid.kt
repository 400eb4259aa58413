// One-time setup of the native library on Android.
package dev.latchkey.android

import android.content.Context
import dev.latchkey.MessageCatalog

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

    /**
     * Adds the shipped translation for the device's languages (its
     * `LocaleList`, in order) to [catalog] and returns the locale to pass to
     * `diagnosticsIn` and `emergencyIn`: "de", "pt-BR", … or "en". Reads
     * one asset file: call it off the main thread.
     */
    fun loadLocale(context: Context, catalog: MessageCatalog): String {
        val assets = context.assets
        val files = assets.list(LatchkeyLocales.ASSET_DIR)?.toList() ?: emptyList()
        val languages = context.resources.configuration.locales
        val preferred = (0 until languages.size()).map { languages[it].toLanguageTag() }
        return LatchkeyLocales.load(catalog, preferred, LatchkeyLocales.localesOf(files)) { locale ->
            assets.open("${LatchkeyLocales.ASSET_DIR}/$locale.arb").bufferedReader().use { it.readText() }
        }
    }

    @JvmStatic
    private external fun initPlatformVerifier(context: Context)
}
