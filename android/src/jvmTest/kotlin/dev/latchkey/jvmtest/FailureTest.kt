// Failures reach Kotlin as typed exceptions carrying a diagnosis code.
package dev.latchkey.jvmtest

import dev.latchkey.BleException
import dev.latchkey.ClientConfig
import dev.latchkey.ClientException
import dev.latchkey.CommandException
import dev.latchkey.CredentialException
import dev.latchkey.DiagnosisCode
import dev.latchkey.InternalException
import dev.latchkey.LatchkeyClientBuilder
import dev.latchkey.SimulatedFault
import dev.latchkey.SimulatedWorld
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

class FailureTest : TestSuite() {
    init {
        test("refusals arrive as CommandException with their diagnosis") {
            scene().use { s ->
                val unknown = assertFailsWith<CommandException.Refused> {
                    s.client.locks().unlock("00".repeat(16), null)
                }
                assertEquals(DiagnosisCode.UNKNOWN_LOCK, unknown.code)
                val malformed = assertFailsWith<CommandException.Refused> {
                    s.client.locks().unlock("front door", null)
                }
                assertEquals(DiagnosisCode.UNKNOWN_LOCK, malformed.code)

                s.client.locks().unlock(s.lockId, null)
                s.world.injectFault(s.lockId, SimulatedFault.DOOR_OPEN)
                val ajar = assertFailsWith<CommandException.Refused> { s.client.locks().lock(s.lockId, null) }
                assertEquals(DiagnosisCode.DOOR_AJAR, ajar.code)
                assertEquals("door_ajar", ajar.lockResult)
                s.world.clearFaults(s.lockId)

                s.world.setInRange(s.lockId, false)
                val away = assertFailsWith<CommandException.Bluetooth> { s.client.locks().lock(s.lockId, null) }
                assertEquals(DiagnosisCode.LOCK_OUT_OF_RANGE, away.code)
            }
        }

        test("a key that is not offline-allowed is refused offline before any radio use") {
            scene(offlineAllowed = false).use { s ->
                s.client.setOnline(false)
                val e = assertFailsWith<CommandException.Refused> { s.client.locks().unlock(s.lockId, null) }
                assertEquals(DiagnosisCode.KEY_NOT_OFFLINE_ALLOWED, e.code)
                assertEquals(null, e.lockResult)
                assertEquals(0uL, s.world.actuationCount(s.lockId))
                s.client.setOnline(true)
                s.client.locks().unlock(s.lockId, null)
            }
        }

        test("a platform Bluetooth error becomes a Bluetooth diagnosis") {
            var created: SimulatedBleCentral? = null
            scene(Services(central = { w -> SimulatedBleCentral(w).also { created = it } })).use { s ->
                val central = created!!
                central.failScansWith = BleException.PermissionDenied("BLUETOOTH_SCAN")
                val e = assertFailsWith<CommandException.Bluetooth> { s.client.locks().unlock(s.lockId, null) }
                assertEquals(DiagnosisCode.BLUETOOTH_PERMISSION, e.code)
                assertTrue(e.detail.contains("BLUETOOTH_SCAN"), e.detail)
                central.failScansWith = BleException.BluetoothOff()
                val off = assertFailsWith<CommandException.Bluetooth> { s.client.locks().unlock(s.lockId, null) }
                assertEquals(DiagnosisCode.BLUETOOTH_OFF, off.code)
            }
        }

        test("bad credentials arrive as CredentialException") {
            scene().use { s ->
                val garbage = assertFailsWith<CredentialException.Invalid> {
                    s.client.keys().addKey(byteArrayOf(1, 2, 3), "junk")
                }
                assertEquals("digital key", garbage.what)
                val other = SimulatedWorld()
                val otherLock = other.commissionLock("Elsewhere")
                val foreignIssuer = other.issueKey(
                    otherLock.lockId, s.client.keys().holderPublicKey(), residentGrant(other),
                )
                val rejected = assertFailsWith<CredentialException.Rejected> {
                    s.client.keys().addKey(foreignIssuer, "not ours")
                }
                assertEquals(DiagnosisCode.UNKNOWN_LOCK, rejected.code)
                other.close()
                assertEquals(1, s.client.keys().list().size)
            }
        }

        test("a bad configuration arrives as ClientException") {
            assertFailsWith<ClientException.InvalidConfig> {
                LatchkeyClientBuilder(ClientConfig(dataDir = " ")).build()
            }
            assertFailsWith<ClientException.InvalidConfig> {
                LatchkeyClientBuilder(ClientConfig(dataDir = "/tmp/latchkey-no-transport")).build()
            }
        }

        test("a Rust panic arrives as an exception and the library keeps working") {
            scene().use { s ->
                val e = assertFailsWith<InternalException> { s.world.simulatePanic("on purpose") }
                assertTrue(e.message!!.contains("on purpose"), e.message)
                s.client.locks().unlock(s.lockId, null)
            }
        }
    }
}
