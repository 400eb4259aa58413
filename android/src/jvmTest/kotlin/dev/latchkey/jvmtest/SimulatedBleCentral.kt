// A Kotlin BleCentral over the simulated radio, shaped like a platform
// stack: every call returns at once, and its callbacks arrive later on the
// platform's own thread (here "simulated-binder"), raw, through BleEvents.
// The core's driver decides everything else. It counts what it was asked
// to do and can refuse or stall on demand.
package dev.latchkey.jvmtest

import dev.latchkey.BleCentral
import dev.latchkey.BleEvents
import dev.latchkey.BleException
import dev.latchkey.BleScanRequest
import dev.latchkey.BleStack
import dev.latchkey.BleStart
import dev.latchkey.SimulatedLink
import dev.latchkey.SimulatedWorld
import dev.latchkey.SimulationException
import kotlinx.coroutines.CompletableDeferred
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger

class SimulatedBleCentral(
    private val world: SimulatedWorld,
    private val stack: BleStack = BleStack.ANDROID,
) : BleCentral {
    val scans = AtomicInteger()
    val connects = AtomicInteger()
    val writes = AtomicInteger()
    val closes = AtomicInteger()

    /** The answer to the next scan starts, like a platform refusing to scan. */
    @Volatile var failScansWith: BleException? = null

    /** Once the lock's answer arrived, hold it back (never deliver it). */
    @Volatile var stallAfterAnswer = false

    /** Completed when an answer was held back. */
    val stalled = CompletableDeferred<Unit>()

    /** Names of the threads that called into this central. */
    val callerThreads: MutableSet<String> = ConcurrentHashMap.newKeySet()

    private val platform = Executors.newSingleThreadExecutor { r ->
        Thread(r, "simulated-binder").apply { isDaemon = true }
    }
    private val links = ConcurrentHashMap<ULong, SimulatedLink>()
    @Volatile private var events: BleEvents? = null

    /** Runs `callback` later on the platform's thread, as a stack calls back. */
    private fun later(callback: (BleEvents) -> Unit) {
        val e = events ?: return
        platform.execute { callback(e) }
    }

    private fun called() {
        callerThreads += Thread.currentThread().name
    }

    override fun stack(): BleStack = stack

    override fun attach(events: BleEvents) {
        this.events = events
    }

    override fun startScan(scanId: ULong, request: BleScanRequest): BleStart {
        called()
        failScansWith?.let { return BleStart.Failed(it) }
        scans.incrementAndGet()
        later { e ->
            for (ad in world.scan(request.companyId, request.manufacturerDataPrefix, 2_000u, true)) {
                e.scanResult(scanId, ad.address, ad.rssi, ad.companyId, ad.manufacturerData)
            }
        }
        return BleStart.Started
    }

    override fun stopScan(scanId: ULong) {
        called()
    }

    override fun connect(connectionId: ULong, address: String): BleStart {
        called()
        later { e ->
            try {
                links[connectionId] = world.connect(address)
                connects.incrementAndGet()
                e.connected(connectionId, 0)
            } catch (x: SimulationException) {
                e.disconnected(connectionId, 133) // GATT_ERROR, as Android reports it
            }
        }
        return BleStart.Started
    }

    override fun requestMtu(connectionId: ULong, mtu: UShort): BleStart {
        called()
        val link = links[connectionId] ?: return notConnected()
        later { it.mtuChanged(connectionId, minOf(mtu, link.mtu()), 0) }
        return BleStart.Started
    }

    override fun discover(connectionId: ULong): BleStart {
        called()
        links[connectionId] ?: return notConnected()
        later { it.servicesDiscovered(connectionId, 0, true) }
        return BleStart.Started
    }

    override fun subscribe(connectionId: ULong): BleStart {
        called()
        links[connectionId] ?: return notConnected()
        later { it.subscribed(connectionId, 0) }
        return BleStart.Started
    }

    override fun write(connectionId: ULong, value: ByteArray, withResponse: Boolean): BleStart {
        called()
        val link = links[connectionId] ?: return notConnected()
        writes.incrementAndGet()
        later { e ->
            val answer = try {
                link.write(value, 3_000u)
            } catch (x: SimulationException) {
                e.disconnected(connectionId, 8) // connection timeout
                return@later
            }
            if (stack == BleStack.ANDROID) e.writeDone(connectionId, 0)
            if (stallAfterAnswer && answer.notifications.isNotEmpty()) {
                stalled.complete(Unit)
                return@later
            }
            answer.notifications.forEach { e.notification(connectionId, it) }
            if (answer.disconnected) e.disconnected(connectionId, 8)
        }
        return BleStart.Started
    }

    override fun close(connectionId: ULong) {
        called()
        val link = links.remove(connectionId) ?: return
        link.disconnect()
        link.close()
        closes.incrementAndGet()
    }

    private fun notConnected() = BleStart.Failed(BleException.Other("not connected", null))
}
