// Keypad PINs and the emergency access sheet through the bindings: an
// offline PIN made with no network opens the simulated lock, a PIN list
// reaches the lock with the next visit, and the printed sheet names the
// lock and the holders but never a secret.
package dev.latchkey.jvmtest

import dev.latchkey.BackupMethod
import dev.latchkey.CredentialException
import dev.latchkey.CredentialKind
import dev.latchkey.DiagnosisCode
import dev.latchkey.PinChangeKind
import dev.latchkey.SimulatedKeypadOutcome
import dev.latchkey.SimulatedPin
import dev.latchkey.readinessSummary
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

private fun ByteArray.hex() = joinToString("") { "%02x".format(it) }

private const val HOUR = 3600u

class PinsAndSheetTest : TestSuite() {
    init {
        test("a host's phone makes an offline PIN with no network and the lock accepts it") {
            scene().use { s ->
                s.client.setOnline(false)
                val pins = s.client.pins()
                val start = s.world.nowUnix()
                val noSecret = assertFailsWith<CredentialException.Rejected> {
                    pins.offlinePin(s.lockId, start, 3u * HOUR, false)
                }
                assertEquals(DiagnosisCode.NO_KEY, noSecret.code)

                pins.addPinSecret(s.lockId, s.world.pinSecret(s.lockId))
                val pin = pins.offlinePin(s.lockId, start, 3u * HOUR, false)
                assertEquals(9, pin.code.length)
                assertTrue(pin.code.all { it.isDigit() })
                assertTrue(pin.validFrom <= start && pin.validUntil >= start + 3u * HOUR, "$pin")
                assertFalse(pin.dayCode)
                assertFalse(pin.oneTime)
                assertEquals(SimulatedKeypadOutcome.Accepted("ok"), s.world.enterPin(s.lockId, pin.code))

                assertFailsWith<CredentialException.Invalid> { pins.addPinSecret(s.lockId, ByteArray(5)) }
                assertFailsWith<CredentialException.Invalid> { pins.offlinePin("nope", start, HOUR, false) }
            }
        }

        test("a PIN list is pending until the next visit carries it to the lock") {
            scene().use { s ->
                val pins = s.client.pins()
                val list = s.world.pinList(s.lockId, 1u, listOf(SimulatedPin(3u, "48151623")))
                assertTrue(pins.addPinList(list, mapOf(3.toUByte() to "Cleaner")))
                assertFalse(pins.addPinList(list, emptyMap()), "not newer: kept as it was")

                val before = pins.status(s.lockId)
                assertTrue(before.pending)
                assertEquals(1u, before.heldSeq)
                assertEquals(listOf(PinChangeKind.ADDED), before.pendingChanges!!.map { it.kind })
                assertEquals("Cleaner", before.pendingChanges!!.single().label)
                assertTrue(before.description.single().contains("Cleaner"), "${before.description}")
                assertEquals("refused", refusedOrOk(s.world.enterPin(s.lockId, "48151623")))

                s.client.locks().unlock(s.lockId, null)
                val after = pins.status(s.lockId)
                assertFalse(after.pending, "$after")
                assertEquals(1u, after.ackedSeq)
                assertTrue(after.description.isEmpty())
                assertEquals(listOf(after), pins.list())
                assertEquals("ok", refusedOrOk(s.world.enterPin(s.lockId, "48151623")))
            }
        }

        test("the emergency sheet names the lock and the holders, never a secret") {
            scene().use { s ->
                val secret = s.world.pinSecret(s.lockId)
                s.client.pins().addPinSecret(s.lockId, secret)
                val list = s.world.pinList(s.lockId, 1u, listOf(SimulatedPin(3u, "48151623")))
                s.client.pins().addPinList(list, mapOf(3.toUByte() to "Cleaner"))
                s.client.locks().unlock(s.lockId, null)
                s.client.emergency().setBackupEntry(s.lockId, BackupMethod.SOMEONE_NEARBY, "Spare key with Ana, flat 12")
                val report = s.client.diagnostics().offlineReadiness(healthyAndroid14(), s.lockId)

                val sheet = s.client.emergency().sheet(s.lockId, readinessSummary(report, s.world.nowUnix()))
                assertEquals("Front door", sheet.lockName)
                assertTrue(sheet.canMakeOfflinePins)
                assertEquals(listOf(CredentialKind.PHONE_KEY, CredentialKind.KEYPAD_PIN), sheet.credentials.map { it.kind })
                assertEquals(BackupMethod.SOMEONE_NEARBY, sheet.backupEntry?.method)
                assertEquals(report.ready, sheet.readiness?.ready)
                val holderKey = s.client.keys().holderPublicKey().hex()
                for (page in listOf(sheet.markdown, sheet.text)) {
                    assertTrue(page.contains("Front door"), page)
                    assertTrue(page.contains("Cleaner") && page.contains("Spare key with Ana"), page)
                    assertFalse(page.contains("48151623"), "PIN digits on the sheet")
                    assertFalse(page.contains(secret.hex(), ignoreCase = true), "PIN secret on the sheet")
                    assertFalse(page.contains(holderKey, ignoreCase = true), "key bytes on the sheet")
                }
                assertFailsWith<CredentialException.Rejected> {
                    s.client.emergency().sheet("00".repeat(16), null)
                }
            }
        }
    }
}

private fun refusedOrOk(outcome: SimulatedKeypadOutcome) = when (outcome) {
    is SimulatedKeypadOutcome.Accepted -> outcome.result
    is SimulatedKeypadOutcome.Refused -> "refused"
    is SimulatedKeypadOutcome.LockedOut -> "locked out"
}
