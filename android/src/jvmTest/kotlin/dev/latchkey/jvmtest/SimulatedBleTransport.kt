// A Kotlin-implemented BleTransport that reaches the simulated locks packet
// by packet, the way the BluetoothGatt transport reaches real ones. It
// counts what it did and can fail or stall on demand.
package dev.latchkey.jvmtest

import dev.latchkey.BleAdvertisement
import dev.latchkey.BleConnection
import dev.latchkey.BleException
import dev.latchkey.BleScanRequest
import dev.latchkey.BleTransport
import dev.latchkey.SimulatedLink
import dev.latchkey.SimulatedWorld
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitCancellation
import java.util.concurrent.atomic.AtomicInteger

class SimulatedBleTransport(private val world: SimulatedWorld) : BleTransport {
    val scans = AtomicInteger()
    val connects = AtomicInteger()
    val writes = AtomicInteger()
    val disconnects = AtomicInteger()

    /** Thrown by the next scans, like a platform refusing to scan. */
    @Volatile var failScansWith: BleException? = null

    /** Once the lock's answer arrived, hold it back forever (until cancelled). */
    @Volatile var stallAfterAnswer = false

    /** Completed when a notification was held back. */
    val stalled = CompletableDeferred<Unit>()

    override suspend fun scan(request: BleScanRequest): List<BleAdvertisement> {
        failScansWith?.let { throw it }
        scans.incrementAndGet()
        return world.scan(request)
    }

    override fun connection(address: String): BleConnection = Connection(address)

    private inner class Connection(private val address: String) : BleConnection {
        @Volatile private var link: SimulatedLink? = null

        private fun open(): SimulatedLink = link ?: throw BleException.Disconnected()

        override suspend fun connect(timeoutMs: ULong) {
            link = world.connect(address)
            connects.incrementAndGet()
        }

        override fun mtu(): UShort = open().mtu()

        override suspend fun write(packet: ByteArray) {
            open().write(packet)
            writes.incrementAndGet()
        }

        override suspend fun nextNotification(timeoutMs: ULong): ByteArray {
            val packet = open().nextNotification(timeoutMs)
            if (stallAfterAnswer) {
                stalled.complete(Unit)
                awaitCancellation()
            }
            return packet
        }

        override suspend fun disconnect() {
            val open = link ?: return
            link = null
            open.disconnect()
            open.close()
            disconnects.incrementAndGet()
        }
    }
}
