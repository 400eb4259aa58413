// The shipped languages through the glue apps use: LatchkeyLocales picks
// the locale file for the person's languages from the same files the
// Android module packages as assets (read here from the repository's
// locales/ folder), and findings, readiness and the sheet come out in it.
package dev.latchkey.jvmtest

import dev.latchkey.CheckStatus
import dev.latchkey.MessageCatalog
import dev.latchkey.MessageArg
import dev.latchkey.ReadinessItem
import dev.latchkey.SimulatedWorld
import dev.latchkey.android.LatchkeyAndroid
import dev.latchkey.android.LatchkeyLocales
import android.os.LocaleList
import dev.latchkey.readinessSummary
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/** The repository's locale files, as the app's assets would list them. */
private val shipped = File("locales")

private fun loadFor(catalog: MessageCatalog, vararg preferred: String): String =
    LatchkeyLocales.load(
        catalog,
        preferred.toList(),
        LatchkeyLocales.localesOf(shipped.list()?.toList() ?: emptyList()),
    ) { locale -> File(shipped, "$locale.arb").readText() }

class LocalesTest : TestSuite() {
    init {
        test("a German phone gets the shipped German finding, with Android's own setting names") {
            scene().use { s ->
                val catalog = MessageCatalog()
                val locale = loadFor(catalog, "de-AT", "en-GB")
                assertEquals("de", locale)
                assertEquals(emptyList<String>(), catalog.missingKeys(locale))
                val first = s.client.diagnosticsIn(catalog, locale).diagnose(android12ScanDeniedForGood(), s.lockId).first()
                assertEquals("android_scan_permission_blocked", first.code)
                assertEquals("„Geräte in der Nähe“ ist für diese App deaktiviert", first.title)
                assertEquals("Tippe auf „Berechtigungen“, dann auf „Geräte in der Nähe“.", first.steps[1])
            }
        }

        test("plurals follow the language: Polish has one, few and many") {
            val catalog = MessageCatalog()
            assertEquals("pl", loadFor(catalog, "pl-PL"))
            val keys = { n: Int ->
                catalog.render("pl", "readiness.keys_renewed.fail", listOf(MessageArg("count", "$n")))
            }
            assertTrue(keys(1).startsWith("1 klucz miał"), keys(1))
            assertTrue(keys(3).startsWith("3 klucze miały"), keys(3))
            assertTrue(keys(5).startsWith("5 kluczy miało"), keys(5))
        }

        test("the language is matched to the shipped files: pt-PT reads pt-BR, zh-TW falls back to English") {
            assertEquals("pt-BR", loadFor(MessageCatalog(), "pt-PT"))
            assertEquals("zh-Hans", loadFor(MessageCatalog(), "zh-CN"))
            assertEquals("en", loadFor(MessageCatalog(), "zh-TW"))
            assertEquals("en", loadFor(MessageCatalog(), "en-US", "de-DE"))
        }

        test("readiness and the emergency sheet in Arabic, numbers in Arabic-Indic digits") {
            scene().use { s ->
                val catalog = MessageCatalog()
                val locale = loadFor(catalog, "ar-EG")
                assertEquals("ar", locale)
                val report = s.client.diagnosticsIn(catalog, locale).offlineReadiness(android12ScanDeniedForGood(), s.lockId)
                val key = report.checks.first { it.item == ReadinessItem.OFFLINE_KEY }
                assertEquals(CheckStatus.PASS, key.status)
                assertEquals("مفتاح يعمل دون إنترنت", key.title)
                val sheet = s.client.emergencyIn(catalog, locale).sheet(s.lockId, readinessSummary(report, s.world.nowUnix()))
                assertTrue(sheet.markdown.contains("إذا تعذّر على التطبيق الاتصال"), sheet.markdown)
                assertTrue(sheet.markdown.contains("٢٠٢٦"), sheet.markdown)
            }
        }

        test("an app's own wording overrides a shipped text") {
            val catalog = MessageCatalog()
            val locale = loadFor(catalog, "fr-FR")
            catalog.addTranslationsJson(locale, """{"wizard.answer.yes": "Oui, c’est ça"}""")
            assertEquals("Oui, c’est ça", catalog.text(locale, "wizard.answer.yes"))
            assertEquals("Non", catalog.text(locale, "wizard.answer.no"))
        }
        test("LatchkeyAndroid.loadLocale reads the module's assets for the phone's languages") {
            ScriptedBluetooth(SimulatedWorld()).use { bt ->
                val context = bt.context.apply { languages = LocaleList.forLanguageTags("fr-CA,de-DE") }
                val catalog = MessageCatalog()
                assertEquals("fr", LatchkeyAndroid.loadLocale(context, catalog))
                assertEquals(emptyList<String>(), catalog.missingKeys("fr"))
                context.languages = LocaleList.forLanguageTags("sv-SE")
                assertEquals("en", LatchkeyAndroid.loadLocale(context, MessageCatalog()))
            }
        }
    }
}
