// Firmware through the bindings: a phone reads the lock's firmware at the
// door, the reference cloud hosts the vendor's next image, the phone's sync
// fetches it, and the update goes over offline with progress reports and
// comes back as words.
package dev.latchkey.jvmtest

import dev.latchkey.CommandException
import dev.latchkey.DiagnosisCode
import dev.latchkey.MessageCatalog
import dev.latchkey.Progress
import dev.latchkey.ProgressListener
import dev.latchkey.SyncOutcome
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** The transfer reports of an update: bytes the lock holds, of the whole. */
class TransferLog : ProgressListener {
    val sent = CopyOnWriteArrayList<Pair<UInt, UInt>>()

    override fun onProgress(progress: Progress) {
        if (progress is Progress.Transferring) sent += progress.sent to progress.total
    }
}

class FirmwareTest : TestSuite() {
    init {
        test("an image the cloud hosts is carried by the phone and installed offline, with progress") {
            cloudScene().use { s ->
                val sync = s.client.sync()!!
                val firmware = s.client.firmware()
                s.client.setOnline(true)
                assertEquals(SyncOutcome.Completed, sync.syncNow().outcome)
                assertNull(firmware.status(s.lock.lockId).running, "never read yet")

                val read = firmware.check(s.lock.lockId, null)
                assertEquals("1.0.0", read.running)
                assertFalse(read.updateAvailable)

                s.cloud.publishFirmware(s.world, 1u, 1u, listOf("pin_list"))
                sync.refreshCredentialsSoon()
                assertEquals(SyncOutcome.Completed, sync.syncNow().outcome)
                val carried = firmware.status(s.lock.lockId)
                assertTrue(carried.updateAvailable, "$carried")
                assertEquals("1.1.0", carried.available)
                assertEquals(listOf("pin_list"), carried.availableLosses)

                s.client.setOnline(false)
                val log = TransferLog()
                val update = firmware.update(s.lock.lockId, log)
                assertEquals("1.0.0" to "1.1.0", update.before to update.running)
                assertEquals("1.1.0", s.world.firmwareVersion(s.lock.lockId))
                assertTrue(update.report!!.startsWith("The update from 1.0.0 to 1.1.0 kept"), update.report)
                assertTrue(log.sent.isNotEmpty() && log.sent.last().first == log.sent.last().second, "${log.sent}")
                assertFalse(firmware.status(s.lock.lockId).updateAvailable)

                val again = firmware.update(s.lock.lockId, null)
                assertEquals("1.1.0" to "1.1.0", again.before to again.running)
                assertNull(again.report, "nothing newer: nothing installed")

                // An image that drops the clock's trust, delivered offline:
                // what no phone could put back is named, and the catalog
                // words it in the app's language.
                s.client.setOnline(true)
                s.cloud.publishFirmware(s.world, 1u, 2u, listOf("clock_trust"))
                sync.refreshCredentialsSoon()
                assertEquals(SyncOutcome.Completed, sync.syncNow().outcome)
                s.client.setOnline(false)
                val dropped = firmware.update(s.lock.lockId, null)
                assertEquals("1.2.0", dropped.running)
                assertEquals(listOf("clock_trust"), dropped.stillMissing)
                assertEquals("the clock's trusted time", MessageCatalog().text("en", "value.lost.clock_trust"))
            }
        }

        test("a lock id that is not one is refused before any radio") {
            cloudScene().use { s ->
                val e = assertFailsWith<CommandException.Refused> { s.client.firmware().update("zz", null) }
                assertEquals(DiagnosisCode.UNKNOWN_LOCK, e.code)
            }
        }
    }
}
