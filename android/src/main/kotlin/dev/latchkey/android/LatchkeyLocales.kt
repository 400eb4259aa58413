// The shipped languages: one ARB file per locale (de.arb, pt-BR.arb, …),
// packaged under assets/latchkey/locales by this module's build from the
// repository's locales/ folder. Plain Kotlin (no Android API), so the JVM
// tests run it as apps do; LatchkeyAndroid.loadLocale is the Android entry.
package dev.latchkey.android

import dev.latchkey.MessageCatalog
import dev.latchkey.matchLocale

/**
 * Picks the shipped translation that fits the person's languages and adds
 * it to a [MessageCatalog]:
 *
 * ```kotlin
 * val catalog = MessageCatalog()
 * val locale = LatchkeyAndroid.loadLocale(context, catalog)      // "de", "pt-BR", … or "en"
 * catalog.addTranslationsJson(locale, myOverrides)               // optional: the app's own wording
 * val findings = client.diagnosticsIn(catalog, locale).diagnose(snapshot, lockId)
 * ```
 *
 * English is built into the library; anything missing from a locale falls
 * back to it key by key. An app adds an eleventh language by shipping its
 * own `<locale>.arb` in the same asset folder (see docs/diagnostics.md).
 */
object LatchkeyLocales {
    /** Where the locale files are in the app's assets. */
    const val ASSET_DIR = "latchkey/locales"

    /** The locales of the files in [fileNames] (`de.arb` is `de`; English is built in). */
    fun localesOf(fileNames: List<String>): List<String> =
        fileNames.filter { it.endsWith(".arb") }.map { it.removeSuffix(".arb") }.filter { it != "en" }

    /**
     * Loads the file among [available] that best fits [preferred] (BCP 47
     * tags, most preferred first) into [catalog]; [read] returns a locale
     * file's text. Returns the locale to render in: the file's, or "en"
     * when none fits (Traditional Chinese does not read Simplified).
     */
    fun load(
        catalog: MessageCatalog,
        preferred: List<String>,
        available: List<String>,
        read: (locale: String) -> String,
    ): String {
        val locale = matchLocale(preferred, available) ?: return "en"
        if (locale != "en") catalog.addTranslationsJson(locale, read(locale))
        return locale
    }
}
