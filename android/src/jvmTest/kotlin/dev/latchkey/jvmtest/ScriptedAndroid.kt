// A scripted Android Bluetooth stack for the real GattBleCentral: the
// android.* stubs (android/src/androidStub) subclassed to answer as a phone
// does, over the simulated radio. Every call returns at once; callbacks
// come later on the stack's own thread ("scripted-binder"), as Android's
// come on a binder thread, and stop once a BluetoothGatt is closed. A test
// scripts the quirks (a 133 on connect, a missing or late onMtuChanged, a
// busy write, a SecurityException, Bluetooth switching off, a 6th scan in
// 30 s, a write callback that never comes, a link dropped during discovery)
// and reads back what the glue asked of the stack. ScriptedGatt.kt is
// one connection; ScriptedContext.kt the Context the glue is given.
package dev.latchkey.jvmtest

import android.bluetooth.BluetoothAdapter
import android.bluetooth.BluetoothDevice
import android.bluetooth.BluetoothGatt
import android.bluetooth.BluetoothGattCallback
import android.bluetooth.BluetoothProfile
import android.bluetooth.le.BluetoothLeScanner
import android.bluetooth.le.ScanCallback
import android.bluetooth.le.ScanFilter
import android.bluetooth.le.ScanRecord
import android.bluetooth.le.ScanResult
import android.bluetooth.le.ScanSettings
import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import dev.latchkey.SimulatedWorld
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/** How the stack answers a `connectGatt`: `onConnectionStateChange(status, newState)`. */
data class ConnectAnswer(val status: Int, val newState: Int) {
    companion object {
        val CONNECTED = ConnectAnswer(BluetoothGatt.GATT_SUCCESS, BluetoothProfile.STATE_CONNECTED)
    }
}

/** How the stack answers `requestMtu`. */
enum class MtuAnswer {
    /** `onMtuChanged` right away, with what the lock supports. */
    AT_ONCE,

    /** Never (some phones skip the callback). */
    NEVER,

    /** Only once service discovery has started. */
    LATE,
}

/** Android's scan budget: a sixth start within 30 s is ignored, silently. */
private const val SCANS_PER_30S = 5

/** One phone's Bluetooth stack over [world]: its script, its record, and the Context the glue gets. */
class ScriptedBluetooth(val world: SimulatedWorld) : AutoCloseable {
    // The script.
    /** Answers to the next `connectGatt`s (then: connected). */
    val connectAnswers = ConcurrentLinkedQueue<ConnectAnswer>()
    @Volatile var mtuAnswer = MtuAnswer.AT_ONCE

    /** The ATT MTU the simulated link supports (the lock's side of the negotiation). */
    @Volatile var linkMtu: UShort = 185u

    /** How many `writeCharacteristic` calls to refuse as busy before taking one. */
    val busyWrites = AtomicInteger()

    /** False: `onCharacteristicWrite` never comes (the packet still reaches the lock). */
    @Volatile var writeCallbacks = true

    /** How many service discoveries the link drops during (status 19), before one succeeds. */
    val dropsDuringDiscovery = AtomicInteger()
    @Volatile var startScanThrows: RuntimeException? = null
    @Volatile var scanFailsWith: Int? = null

    /** Instead of scanning, runs this on the stack's thread once a scan started. */
    @Volatile var whenScanStarted: (() -> Unit)? = null

    /** When the second connection connects, the first one's callback reports a late disconnect. */
    @Volatile var lateDisconnectFromFirstGatt = false
    @Volatile var enabled = true

    // The record.
    /** Every call the glue made and every callback the stack delivered ("→ …"), in order. */
    val calls = CopyOnWriteArrayList<String>()
    val gatts = CopyOnWriteArrayList<ScriptedGatt>()
    val writeSizes = CopyOnWriteArrayList<Int>()
    val scanStarts = CopyOnWriteArrayList<Long>()
    val ignoredScans = AtomicInteger()
    val filters = CopyOnWriteArrayList<ScanFilter>()
    val settings = CopyOnWriteArrayList<ScanSettings>()
    val receivers = CopyOnWriteArrayList<BroadcastReceiver>()

    private val binder = Executors.newSingleThreadScheduledExecutor { r ->
        Thread(r, "scripted-binder").apply { isDaemon = true }
    }
    val context = ScriptedContext(this)
    val adapter = ScriptedAdapter(this)
    val scanner = ScriptedScanner(this)

    /** Runs [callback] on the stack's thread, after [delayMs]. */
    fun later(delayMs: Long = 0, callback: () -> Unit) {
        binder.schedule(callback, delayMs, TimeUnit.MILLISECONDS)
    }

    fun record(what: String) {
        calls += what
    }

    /** The user switches Bluetooth off: `ACTION_STATE_CHANGED` to every registered receiver. */
    fun switchOff() {
        enabled = false
        for (state in listOf(BluetoothAdapter.STATE_TURNING_OFF, BluetoothAdapter.STATE_OFF)) {
            val intent = Intent(BluetoothAdapter.ACTION_STATE_CHANGED).putExtra(BluetoothAdapter.EXTRA_STATE, state)
            receivers.forEach { it.onReceive(context, intent) }
        }
    }

    override fun close() {
        binder.shutdownNow()
    }
}

class ScriptedAdapter(private val bt: ScriptedBluetooth) : BluetoothAdapter() {
    override fun isEnabled(): Boolean = bt.enabled

    override fun getState(): Int = if (bt.enabled) STATE_ON else STATE_OFF

    /** Null while Bluetooth is off, as on Android. */
    override fun getBluetoothLeScanner(): BluetoothLeScanner? = if (bt.enabled) bt.scanner else null

    override fun getRemoteDevice(address: String): BluetoothDevice = ScriptedDevice(bt, address)
}

class ScriptedScanner(private val bt: ScriptedBluetooth) : BluetoothLeScanner() {
    private val active = ConcurrentHashMap.newKeySet<ScanCallback>()

    override fun startScan(filters: List<ScanFilter>, settings: ScanSettings, callback: ScanCallback) {
        bt.record("startScan")
        if (!bt.enabled) throw IllegalStateException("BT Adapter is not turned ON")
        bt.startScanThrows?.let { throw it }
        val now = System.nanoTime()
        bt.scanStarts.removeIf { now - it >= 30_000_000_000L }
        if (bt.scanStarts.size >= SCANS_PER_30S) {
            bt.ignoredScans.incrementAndGet()
            return
        }
        bt.scanStarts += now
        bt.filters += filters
        bt.settings += settings
        active += callback
        bt.scanFailsWith?.let { code ->
            bt.later { callback.onScanFailed(code) }
            return
        }
        bt.whenScanStarted?.let { hook ->
            bt.later(callback = hook)
            return
        }
        val filter = filters.single()
        bt.later {
            val heard = bt.world.scan(filter.manufacturerId.toUShort(), filter.manufacturerData, 2_000u, true)
            for (ad in heard) {
                if (callback !in active) break
                val record = ScriptedScanRecord(ad.companyId.toInt(), ad.manufacturerData)
                @Suppress("DEPRECATION")
                val result = ScanResult(ScriptedDevice(bt, ad.address), record, ad.rssi.toInt(), System.nanoTime())
                callback.onScanResult(ScanSettings.CALLBACK_TYPE_ALL_MATCHES, result)
            }
        }
    }

    override fun stopScan(callback: ScanCallback) {
        bt.record("stopScan")
        if (!bt.enabled) throw IllegalStateException("BT Adapter is not turned ON")
        active -= callback
    }
}

class ScriptedScanRecord(private val companyId: Int, private val data: ByteArray) : ScanRecord() {
    override fun getManufacturerSpecificData(manufacturerId: Int): ByteArray? =
        if (manufacturerId == companyId) data else null
}

class ScriptedDevice(private val bt: ScriptedBluetooth, private val address: String) : BluetoothDevice() {
    override fun getAddress(): String = address

    override fun connectGatt(
        context: Context,
        autoConnect: Boolean,
        callback: BluetoothGattCallback,
        transport: Int,
    ): BluetoothGatt {
        val gatt = ScriptedGatt(bt, bt.gatts.size + 1, address, callback)
        bt.gatts += gatt
        bt.record("gatt${gatt.number} connectGatt autoConnect=$autoConnect transport=$transport")
        gatt.open(bt.connectAnswers.poll() ?: ConnectAnswer.CONNECTED)
        return gatt
    }
}
