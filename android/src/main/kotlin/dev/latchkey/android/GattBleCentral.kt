// latchkey's Bluetooth central on Android: BluetoothLeScanner and
// BluetoothGatt, one platform call per method, made at once, answered with
// what the platform said. The callbacks go back raw (GattCallbacks.kt).
// What to do next, when to give up, when to try again and how much to
// write at a time is decided in Rust (latchkey-core's central driver).
package dev.latchkey.android

import android.annotation.SuppressLint
import android.bluetooth.BluetoothAdapter
import android.bluetooth.BluetoothDevice
import android.bluetooth.BluetoothGatt
import android.bluetooth.BluetoothGattCharacteristic
import android.bluetooth.BluetoothGattDescriptor
import android.bluetooth.BluetoothManager
import android.bluetooth.BluetoothStatusCodes
import android.bluetooth.le.ScanCallback
import android.bluetooth.le.ScanFilter
import android.bluetooth.le.ScanSettings
import android.content.BroadcastReceiver
import android.content.Context
import android.content.IntentFilter
import android.os.Build
import dev.latchkey.BleCentral
import dev.latchkey.BleEvents
import dev.latchkey.BleException
import dev.latchkey.BleScanRequest
import dev.latchkey.BleStack
import dev.latchkey.BleStart
import dev.latchkey.latchkeyGattService
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap

/**
 * Pass to `LatchkeyClientBuilder.bleCentral(GattBleCentral(context))`.
 * The app asks for the runtime permissions; a missing one comes back as
 * [BleException.PermissionDenied], which the library diagnoses.
 */
@SuppressLint("MissingPermission") // A SecurityException becomes BleException.PermissionDenied.
class GattBleCentral(context: Context) : BleCentral {
    private val context = context.applicationContext
    private val uuids = LatchkeyUuids()
    private val scans = ConcurrentHashMap<ULong, ScanCallback>()
    private val connections = ConcurrentHashMap<ULong, BluetoothGatt>()
    @Volatile private var events: BleEvents? = null
    @Volatile private var adapterReceiver: BroadcastReceiver? = null

    override fun stack(): BleStack = BleStack.ANDROID

    /**
     * Keeps [events] and listens for the adapter's state:
     * `Context.registerReceiver` for `BluetoothAdapter.ACTION_STATE_CHANGED`
     * (https://developer.android.com/reference/android/bluetooth/BluetoothAdapter#ACTION_STATE_CHANGED).
     */
    override fun attach(events: BleEvents) {
        this.events = events
        val receiver = AdapterStateReceiver(events)
        adapterReceiver?.let { context.unregisterReceiver(it) }
        context.registerReceiver(receiver, IntentFilter(BluetoothAdapter.ACTION_STATE_CHANGED))
        adapterReceiver = receiver
    }

    /**
     * `BluetoothLeScanner.startScan(filters, settings, callback)` with one
     * manufacturer-data filter and low-latency settings
     * (https://developer.android.com/reference/android/bluetooth/le/BluetoothLeScanner#startScan(java.util.List%3Candroid.bluetooth.le.ScanFilter%3E,%20android.bluetooth.le.ScanSettings,%20android.bluetooth.le.ScanCallback)).
     */
    override fun startScan(scanId: ULong, request: BleScanRequest): BleStart = platformCall(SCAN_PERMISSION) {
        val events = events ?: return notAttached()
        val adapter = adapter() ?: return noAdapter()
        // Null while Bluetooth is off (BluetoothAdapter#getBluetoothLeScanner).
        val scanner = adapter.bluetoothLeScanner
            ?: return if (adapter.isEnabled) unavailable("no Bluetooth LE scanner") else off()
        val prefix = request.manufacturerDataPrefix
        val filter = ScanFilter.Builder()
            .setManufacturerData(request.companyId.toInt(), prefix, ByteArray(prefix.size) { 0xFF.toByte() })
            .build()
        val settings = ScanSettings.Builder().setScanMode(ScanSettings.SCAN_MODE_LOW_LATENCY).build()
        val callback = ScanForwarder(scanId, request.companyId, events)
        scanner.startScan(listOf(filter), settings, callback)
        scans[scanId] = callback
        BleStart.Started
    }

    /**
     * `BluetoothLeScanner.stopScan(callback)` for this scan's callback
     * (https://developer.android.com/reference/android/bluetooth/le/BluetoothLeScanner#stopScan(android.bluetooth.le.ScanCallback)).
     */
    override fun stopScan(scanId: ULong) {
        val callback = scans.remove(scanId) ?: return
        ignoringPlatformErrors { adapter()?.bluetoothLeScanner?.stopScan(callback) }
    }

    /**
     * `BluetoothDevice.connectGatt(context, false, callback, TRANSPORT_LE)`
     * with a callback of its own for this connection id
     * (https://developer.android.com/reference/android/bluetooth/BluetoothDevice#connectGatt(android.content.Context,%20boolean,%20android.bluetooth.BluetoothGattCallback,%20int)).
     */
    override fun connect(connectionId: ULong, address: String): BleStart = platformCall(CONNECT_PERMISSION) {
        val events = events ?: return notAttached()
        val device = (adapter() ?: return noAdapter()).getRemoteDevice(address)
        val callback = ConnectionCallback(connectionId, uuids, events)
        val gatt = device.connectGatt(context, false, callback, BluetoothDevice.TRANSPORT_LE)
            ?: return other("connectGatt returned no BluetoothGatt")
        connections[connectionId] = gatt
        BleStart.Started
    }

    /**
     * `BluetoothGatt.requestMtu(mtu)`
     * (https://developer.android.com/reference/android/bluetooth/BluetoothGatt#requestMtu(int)).
     */
    override fun requestMtu(connectionId: ULong, mtu: UShort): BleStart = gattCall(connectionId) { gatt ->
        startedOrBusy(gatt.requestMtu(mtu.toInt()))
    }

    /**
     * `BluetoothGatt.discoverServices()`
     * (https://developer.android.com/reference/android/bluetooth/BluetoothGatt#discoverServices()).
     */
    override fun discover(connectionId: ULong): BleStart = gattCall(connectionId) { gatt ->
        startedOrBusy(gatt.discoverServices())
    }

    /**
     * `BluetoothGatt.setCharacteristicNotification(tx, true)`, then the
     * write of `ENABLE_NOTIFICATION_VALUE` to TX's CCCD: API 33+
     * `writeDescriptor(descriptor, value)`, before it `setValue` and
     * `writeDescriptor(descriptor)`
     * (https://developer.android.com/reference/android/bluetooth/BluetoothGatt#setCharacteristicNotification(android.bluetooth.BluetoothGattCharacteristic,%20boolean),
     * https://developer.android.com/reference/android/bluetooth/BluetoothGatt#writeDescriptor(android.bluetooth.BluetoothGattDescriptor,%20byte[])).
     */
    override fun subscribe(connectionId: ULong): BleStart = gattCall(connectionId) { gatt ->
        val tx = gatt.getService(uuids.service)?.getCharacteristic(uuids.tx) ?: return other("no TX characteristic")
        if (!gatt.setCharacteristicNotification(tx, true)) return other("setCharacteristicNotification refused")
        val cccd = tx.getDescriptor(CCCD) ?: return other("TX has no CCCD")
        val enable = BluetoothGattDescriptor.ENABLE_NOTIFICATION_VALUE
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            fromStatusCode(gatt.writeDescriptor(cccd, enable), "writeDescriptor")
        } else {
            @Suppress("DEPRECATION")
            startedOrBusy(cccd.setValue(enable) && gatt.writeDescriptor(cccd))
        }
    }

    /**
     * A write to RX: API 33+ `writeCharacteristic(rx, value, writeType)`,
     * before it `setWriteType`, `setValue` and `writeCharacteristic(rx)`
     * (https://developer.android.com/reference/android/bluetooth/BluetoothGatt#writeCharacteristic(android.bluetooth.BluetoothGattCharacteristic,%20byte[],%20int)).
     */
    override fun write(connectionId: ULong, value: ByteArray, withResponse: Boolean): BleStart =
        gattCall(connectionId) { gatt ->
            val rx = gatt.getService(uuids.service)?.getCharacteristic(uuids.rx) ?: return other("no RX characteristic")
            val writeType = if (withResponse) {
                BluetoothGattCharacteristic.WRITE_TYPE_DEFAULT
            } else {
                BluetoothGattCharacteristic.WRITE_TYPE_NO_RESPONSE
            }
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
                fromStatusCode(gatt.writeCharacteristic(rx, value, writeType), "writeCharacteristic")
            } else {
                rx.writeType = writeType
                @Suppress("DEPRECATION")
                startedOrBusy(rx.setValue(value) && gatt.writeCharacteristic(rx))
            }
        }

    /**
     * `BluetoothGatt.disconnect()` then `close()`, and forgets the
     * connection
     * (https://developer.android.com/reference/android/bluetooth/BluetoothGatt#close()).
     */
    override fun close(connectionId: ULong) {
        val gatt = connections.remove(connectionId) ?: return
        ignoringPlatformErrors { gatt.disconnect() }
        ignoringPlatformErrors { gatt.close() }
    }

    private fun adapter(): BluetoothAdapter? = context.getSystemService(BluetoothManager::class.java)?.adapter

    /** One call on connection [connectionId]'s `BluetoothGatt`. */
    private inline fun gattCall(connectionId: ULong, call: (BluetoothGatt) -> BleStart): BleStart =
        platformCall(CONNECT_PERMISSION) {
            call(connections[connectionId] ?: return other("no connection $connectionId"))
        }
}

private const val SCAN_PERMISSION = "BLUETOOTH_SCAN"
private const val CONNECT_PERMISSION = "BLUETOOTH_CONNECT"

/** The Client Characteristic Configuration descriptor (Bluetooth SIG 0x2902). */
private val CCCD: UUID = UUID.fromString("00002902-0000-1000-8000-00805f9b34fb")

/** The latchkey service and its characteristics, from the protocol. */
internal class LatchkeyUuids {
    private val gatt = latchkeyGattService()
    val service: UUID = UUID.fromString(gatt.serviceUuid)
    val rx: UUID = UUID.fromString(gatt.rxCharacteristicUuid)
    val tx: UUID = UUID.fromString(gatt.txCharacteristicUuid)
}

/** The platform call, with the exceptions it documents as answers. */
private inline fun platformCall(permission: String, call: () -> BleStart): BleStart = try {
    call()
} catch (e: SecurityException) {
    BleStart.Failed(BleException.PermissionDenied(permission))
} catch (e: IllegalStateException) {
    // "BT Adapter is not turned ON": Bluetooth is off or turning off.
    off()
} catch (e: IllegalArgumentException) {
    other(e.message ?: e.toString())
}

/** A call with no answer to give (stopping, closing): a failure changes nothing. */
private inline fun ignoringPlatformErrors(call: () -> Unit) {
    try {
        call()
    } catch (e: SecurityException) {
        // The permission was revoked: the system ends the app's Bluetooth use.
    } catch (e: IllegalStateException) {
        // Bluetooth is off: the scan or connection ended with it.
    }
}

/** The `boolean` answer of a GATT call: `false` while another operation is outstanding. */
private fun startedOrBusy(started: Boolean): BleStart = if (started) BleStart.Started else BleStart.Busy

/** An API 33+ `BluetoothStatusCodes` answer. */
private fun fromStatusCode(code: Int, call: String): BleStart = when (code) {
    BluetoothStatusCodes.SUCCESS -> BleStart.Started
    BluetoothStatusCodes.ERROR_GATT_WRITE_REQUEST_BUSY -> BleStart.Busy
    else -> BleStart.Failed(BleException.Other("$call refused", code))
}

private fun other(reason: String) = BleStart.Failed(BleException.Other(reason, null))

private fun off() = BleStart.Failed(BleException.BluetoothOff())

private fun unavailable(reason: String) = BleStart.Failed(BleException.Unavailable(reason))

private fun noAdapter() = unavailable("this device has no Bluetooth adapter")

private fun notAttached() = other("attach() was not called")
