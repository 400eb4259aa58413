// The guided troubleshooting flow, translations and the after-reconnection
// check through the bindings: the app drives a Troubleshooter step by step
// to a diagnosis.
package dev.latchkey.jvmtest

import dev.latchkey.AdapterState
import dev.latchkey.AndroidPermissions
import dev.latchkey.AndroidSnapshot
import dev.latchkey.Answer
import dev.latchkey.CheckStatus
import dev.latchkey.CommandException
import dev.latchkey.DeviceSnapshot
import dev.latchkey.DiagnosisCode
import dev.latchkey.DiagnosticsException
import dev.latchkey.MessageCatalog
import dev.latchkey.PermissionState
import dev.latchkey.PlatformAction
import dev.latchkey.PlatformSnapshot
import dev.latchkey.ReadinessItem
import dev.latchkey.ReconnectionFacts
import dev.latchkey.SimulatedFault
import dev.latchkey.StepId
import dev.latchkey.StepKind
import dev.latchkey.Symptom
import dev.latchkey.explainDiagnosis
import dev.latchkey.explainDiagnosisIn
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** An Android 14 phone with every Bluetooth permission granted and the adapter on. */
fun healthyAndroid14() = PlatformSnapshot(
    device = DeviceSnapshot.Android(
        AndroidSnapshot(
            apiLevel = 34u,
            permissions = AndroidPermissions(
                bluetoothScan = PermissionState.GRANTED,
                bluetoothScanNeverForLocation = true,
                bluetoothConnect = PermissionState.GRANTED,
                accessFineLocation = PermissionState.NOT_REQUESTED,
                accessCoarseLocation = PermissionState.NOT_REQUESTED,
                accessBackgroundLocation = PermissionState.NOT_REQUESTED,
            ),
            adapter = AdapterState.ON,
        ),
    ),
)

class TroubleshootingTest : TestSuite() {
    init {
        test("troubleshooting a jammed bolt: one question, then the diagnosis") {
            scene().use { s ->
                s.client.locks().unlock(s.lockId, null)
                s.world.injectFault(s.lockId, SimulatedFault.JAMMED_BOLT)
                assertFailsWith<CommandException.Refused> { s.client.locks().lock(s.lockId, null) }

                val flow = s.client.diagnostics().troubleshoot(Symptom.DOOR_NOT_FULLY_LOCKING, s.lockId)
                val question = flow.current(healthyAndroid14())
                assertEquals(StepKind.QUESTION, question.kind)
                assertEquals(StepId.BOLT_FREE_WITH_DOOR_OPEN, question.id)
                assertEquals(listOf(Answer.Yes, Answer.No), question.choices.map { it.answer })
                assertTrue(question.prompt.isNotBlank())
                assertFailsWith<DiagnosticsException.AnswerDoesNotFit> { flow.answer(question, Answer.Passed) }

                flow.answer(question, Answer.No)
                val done = flow.current(healthyAndroid14())
                assertEquals(StepKind.DONE, done.kind)
                assertFalse(done.resolved)
                assertEquals("lock_jammed", done.findings.first().code, "${done.findings.map { it.code }}")
                assertEquals(PlatformAction.CALL_TECHNICIAN, done.findings.first().action)
                assertEquals(done.findings.first().title, done.prompt)
                assertFailsWith<DiagnosticsException.FlowFinished> { flow.answer(done, Answer.Yes) }

                // Saved and resumed (the app was killed): the same diagnosis.
                assertEquals(1u, flow.answerCount())
                val resumed = s.client.diagnostics().resumeTroubleshooting(flow.toJson(), s.lockId)
                assertEquals(Symptom.DOOR_NOT_FULLY_LOCKING, resumed.symptom())
                assertEquals(done, resumed.current(healthyAndroid14()))
            }
        }

        test("troubleshooting a battery too weak for the motor: the battery is the diagnosis") {
            scene().use { s ->
                s.world.setBatteryMillivolts(s.lockId, 4300u)
                val e = assertFailsWith<CommandException.Refused> { s.client.locks().unlock(s.lockId, null) }
                assertEquals(DiagnosisCode.BATTERY_CRITICAL, e.code)
                val flow = s.client.diagnostics().troubleshoot(Symptom.DOOR_NOT_FULLY_LOCKING, s.lockId)
                val done = flow.current(healthyAndroid14())
                assertEquals(StepKind.DONE, done.kind, "$done")
                assertTrue(done.findings.first().code.startsWith("battery_"), "${done.findings.map { it.code }}")
                assertEquals(PlatformAction.REPLACE_BATTERIES, done.findings.first().action)
            }
        }

        test("diagnostics in another language fall back to English key by key") {
            val catalog = MessageCatalog()
            val taken = catalog.addTranslationsJson(
                "de",
                """{"finding.lock_jammed.title": "Das Schloss klemmt", "no.such.key": "ignored"}""",
            )
            assertEquals(1u, taken)
            assertEquals(listOf("en", "de"), catalog.locales())
            assertEquals("Das Schloss klemmt", catalog.text("de-AT", "finding.lock_jammed.title"))
            assertTrue(catalog.englishEntries().containsKey("finding.lock_jammed.title"))
            assertTrue("finding.lock_jammed.title" !in catalog.missingKeys("de"))
            val english = explainDiagnosis(DiagnosisCode.LOCK_JAMMED)
            val german = explainDiagnosisIn(DiagnosisCode.LOCK_JAMMED, catalog, "de")
            assertEquals("Das Schloss klemmt", german.title)
            assertEquals(english.explanation, german.explanation)
            assertEquals(german, catalog.localize("de", english))
            assertFailsWith<DiagnosticsException.InvalidInput> { catalog.addTranslationsJson("de", "[1]") }

            scene().use { s ->
                s.client.locks().unlock(s.lockId, null)
                s.world.injectFault(s.lockId, SimulatedFault.JAMMED_BOLT)
                assertFailsWith<CommandException.Refused> { s.client.locks().lock(s.lockId, null) }
                val findings = s.client.diagnosticsIn(catalog, "de").diagnose(healthyAndroid14(), s.lockId)
                assertEquals("Das Schloss klemmt", findings.first { it.code == "lock_jammed" }.title)
            }
        }

        test("after reconnection the checklist names what is still pending") {
            scene().use { s ->
                val pending = s.client.diagnostics().afterReconnection(
                    ReconnectionFacts(
                        online = true,
                        queuedEvents = 3u,
                        deadLetters = 0u,
                        locksWithDrift = 1u,
                        keysDueForRenewal = 0u,
                        lastSyncError = null,
                    ),
                )
                assertFalse(pending.ready)
                assertEquals(CheckStatus.FAIL, pending.checks.first { it.item == ReadinessItem.EVENTS_UPLOADED }.status)
                assertEquals(CheckStatus.FAIL, pending.checks.first { it.item == ReadinessItem.DRIFT_CLEARED }.status)
                val clear = s.client.diagnostics().afterReconnection(ReconnectionFacts(true, 0u, 0u, 0u, 0u, null))
                assertTrue(clear.ready, "$clear")
            }
        }
    }
}
