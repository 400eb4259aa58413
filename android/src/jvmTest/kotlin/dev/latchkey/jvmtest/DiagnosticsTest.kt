// Diagnostics through the bindings: a platform snapshot in, plain-language
// findings out, root cause first.
package dev.latchkey.jvmtest

import dev.latchkey.AdapterState
import dev.latchkey.AndroidPermissions
import dev.latchkey.AndroidSnapshot
import dev.latchkey.CheckStatus
import dev.latchkey.CommandException
import dev.latchkey.DeviceSnapshot
import dev.latchkey.DiagnosisCode
import dev.latchkey.DiagnosticsException
import dev.latchkey.PermissionState
import dev.latchkey.PlatformAction
import dev.latchkey.PlatformSnapshot
import dev.latchkey.ReadinessItem
import dev.latchkey.Severity
import dev.latchkey.SimulatedFault
import dev.latchkey.explainDiagnosis
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** An Android 12 phone targeting API 34 whose user denied "Nearby devices" for good. */
fun android12ScanDeniedForGood() = PlatformSnapshot(
    device = DeviceSnapshot.Android(
        AndroidSnapshot(
            apiLevel = 31u,
            targetSdk = 34u,
            permissions = AndroidPermissions(
                bluetoothScan = PermissionState.DENIED_PERMANENTLY,
                bluetoothScanNeverForLocation = true,
                bluetoothConnect = PermissionState.GRANTED,
                accessFineLocation = PermissionState.NOT_REQUESTED,
                accessCoarseLocation = PermissionState.NOT_REQUESTED,
                accessBackgroundLocation = PermissionState.NOT_REQUESTED,
            ),
            locationServicesOn = false,
            adapter = AdapterState.ON,
            airplaneMode = false,
        ),
    ),
)

class DiagnosticsTest : TestSuite() {
    init {
        test("Android 12 with BLUETOOTH_SCAN denied for good: open the app's settings") {
            scene().use { s ->
                val findings = s.client.diagnostics().diagnose(android12ScanDeniedForGood(), s.lockId)
                val first = findings.first()
                assertEquals("android_scan_permission_blocked", first.code)
                assertEquals(Severity.BLOCKS_UNLOCK, first.severity)
                assertEquals(PlatformAction.OPEN_APP_SETTINGS, first.action)
                assertTrue(first.title.isNotBlank() && first.steps.isNotEmpty(), "$first")
                // neverForLocation: location being off is not a cause here.
                assertTrue(findings.none { it.code.contains("location") }, "${findings.map { it.code }}")
            }
        }

        test("the last failure on a lock feeds the diagnosis") {
            scene().use { s ->
                s.client.locks().unlock(s.lockId, null)
                s.world.injectFault(s.lockId, SimulatedFault.JAMMED_BOLT)
                val e = assertFailsWith<CommandException.Refused> { s.client.locks().lock(s.lockId, null) }
                assertEquals(DiagnosisCode.LOCK_JAMMED, e.code)
                val healthyPhone = PlatformSnapshot(
                    device = DeviceSnapshot.Android(
                        AndroidSnapshot(
                            apiLevel = 34u,
                            permissions = AndroidPermissions(
                                PermissionState.GRANTED, true, PermissionState.GRANTED,
                                PermissionState.NOT_REQUESTED, PermissionState.NOT_REQUESTED,
                                PermissionState.NOT_REQUESTED,
                            ),
                            adapter = AdapterState.ON,
                        ),
                    ),
                )
                val findings = s.client.diagnostics().diagnose(healthyPhone, s.lockId)
                assertTrue(findings.isNotEmpty())
                assertEquals(PlatformAction.CALL_TECHNICIAN, findings.first().action, "${findings.map { it.code }}")
                assertEquals("lock_jammed", explainDiagnosis(DiagnosisCode.LOCK_JAMMED).code)
            }
        }

        test("offline readiness checks the key before an outage") {
            scene(offlineAllowed = false).use { s ->
                val report = s.client.diagnostics().offlineReadiness(android12ScanDeniedForGood(), s.lockId)
                assertEquals(false, report.ready)
                val key = report.checks.first { it.item == ReadinessItem.OFFLINE_KEY }
                assertEquals(CheckStatus.FAIL, key.status)
                assertFailsWith<DiagnosticsException.InvalidLockId> {
                    s.client.diagnostics().diagnose(android12ScanDeniedForGood(), "nope")
                }
            }
        }
    }
}
