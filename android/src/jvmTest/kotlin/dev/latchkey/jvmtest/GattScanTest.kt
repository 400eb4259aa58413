// The scan quirks of core/tests/central_android_quirks.rs through the real
// Android glue (GattBleCentral) and a scripted BluetoothLeScanner
// (ScriptedAndroid.kt): a SecurityException, Bluetooth off before or
// during a scan, a registration failure, Android's fifth-scan limit. Not a
// phone: see docs/bindings.md.
package dev.latchkey.jvmtest

import android.bluetooth.le.ScanCallback
import dev.latchkey.CommandException
import dev.latchkey.DiagnosisCode
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotEquals
import kotlin.test.assertTrue

class GattScanTest : TestSuite() {
    init {
        test("GattBleCentral: a SecurityException from startScan is a Bluetooth-permission diagnosis") {
            gattScene {
                startScanThrows = SecurityException("Need android.permission.BLUETOOTH_SCAN permission")
            }.use { g ->
                val e = assertFailsWith<CommandException.Bluetooth> { g.s.client.locks().unlock(g.s.lockId, null) }
                assertEquals(DiagnosisCode.BLUETOOTH_PERMISSION, e.code)
                assertTrue(e.detail.contains("BLUETOOTH_SCAN"), e.detail)
                assertTrue(g.bt.gatts.isEmpty())
            }
        }

        test("GattBleCentral: Bluetooth switched off mid-scan is BLUETOOTH_OFF, at once") {
            gattScene { whenScanStarted = { switchOff() } }.use { g ->
                val started = System.nanoTime()
                val e = assertFailsWith<CommandException.Bluetooth> { g.s.client.locks().unlock(g.s.lockId, null) }
                assertEquals(DiagnosisCode.BLUETOOTH_OFF, e.code)
                val ms = (System.nanoTime() - started) / 1_000_000
                assertTrue(ms < 4_000, "the broadcast ended the scan, not its 8 s timeout: $ms ms")
                assertEquals(listOf("startScan"), g.bt.calls, "stopScan found no scanner while Bluetooth is off")
            }
        }

        test("GattBleCentral: Bluetooth off before the scan (no BluetoothLeScanner) is BLUETOOTH_OFF, not unavailable") {
            gattScene { enabled = false }.use { g ->
                val e = assertFailsWith<CommandException.Bluetooth> { g.s.client.locks().unlock(g.s.lockId, null) }
                assertEquals(DiagnosisCode.BLUETOOTH_OFF, e.code)
                assertTrue(g.bt.calls.isEmpty(), "${g.bt.calls}")
            }
        }

        test("GattBleCentral: onScanFailed(2) is the scanner's trouble, not an out-of-range lock") {
            gattScene { scanFailsWith = ScanCallback.SCAN_FAILED_APPLICATION_REGISTRATION_FAILED }.use { g ->
                val e = assertFailsWith<CommandException.Bluetooth> { g.s.client.locks().unlock(g.s.lockId, null) }
                assertNotEquals(DiagnosisCode.LOCK_OUT_OF_RANGE, e.code)
                assertEquals(DiagnosisCode.BLUETOOTH_STARTING, e.code)
                assertTrue(e.detail.contains("error 2"), e.detail)
            }
        }

        test("GattBleCentral: a 6th scan within 30 s is refused, never started for Android to ignore") {
            gattScene().use { g ->
                repeat(5) { g.s.client.locks().unlock(g.s.lockId, null) }
                val e = assertFailsWith<CommandException.Bluetooth> { g.s.client.locks().unlock(g.s.lockId, null) }
                assertEquals(DiagnosisCode.ANDROID_SCAN_THROTTLED, e.code)
                assertEquals(5, g.bt.scanStarts.size)
                assertEquals(0, g.bt.ignoredScans.get(), "no scan was silently ignored")
                assertTrue("android_scan_throttled" in g.findings(), "the client counted its scans")
            }
        }
    }
}
