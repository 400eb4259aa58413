// The platform's Bluetooth callbacks, each forwarded at once to BleEvents
// with its raw facts (ids, status codes, values), from the thread the
// platform calls on. Nothing here decides what a callback means.
package dev.latchkey.android

import android.bluetooth.BluetoothAdapter
import android.bluetooth.BluetoothGatt
import android.bluetooth.BluetoothGattCallback
import android.bluetooth.BluetoothGattCharacteristic
import android.bluetooth.BluetoothGattDescriptor
import android.bluetooth.BluetoothProfile
import android.bluetooth.le.ScanCallback
import android.bluetooth.le.ScanResult
import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import dev.latchkey.BleAdapterState
import dev.latchkey.BleEvents

/**
 * One connection's `BluetoothGattCallback`
 * (https://developer.android.com/reference/android/bluetooth/BluetoothGattCallback):
 * a late callback of an old connection still carries that connection's id.
 */
internal class ConnectionCallback(
    private val id: ULong,
    private val uuids: LatchkeyUuids,
    private val events: BleEvents,
) : BluetoothGattCallback() {
    override fun onConnectionStateChange(gatt: BluetoothGatt, status: Int, newState: Int) {
        if (newState == BluetoothProfile.STATE_CONNECTED) {
            events.connected(id, status)
        } else {
            events.disconnected(id, status)
        }
    }

    override fun onMtuChanged(gatt: BluetoothGatt, mtu: Int, status: Int) {
        events.mtuChanged(id, mtu.toUShort(), status)
    }

    override fun onServicesDiscovered(gatt: BluetoothGatt, status: Int) {
        val service = gatt.getService(uuids.service)
        val found = service?.getCharacteristic(uuids.rx) != null && service.getCharacteristic(uuids.tx) != null
        events.servicesDiscovered(id, status, found)
    }

    /** Only TX's CCCD is ever written. */
    override fun onDescriptorWrite(gatt: BluetoothGatt, descriptor: BluetoothGattDescriptor, status: Int) {
        events.subscribed(id, status)
    }

    override fun onCharacteristicWrite(gatt: BluetoothGatt, characteristic: BluetoothGattCharacteristic, status: Int) {
        events.writeDone(id, status)
    }

    /** API 33+. */
    override fun onCharacteristicChanged(
        gatt: BluetoothGatt,
        characteristic: BluetoothGattCharacteristic,
        value: ByteArray,
    ) {
        if (characteristic.uuid == uuids.tx) events.notification(id, value)
    }

    /** Before API 33 (from 33 on, the platform calls the overload above instead). */
    @Deprecated("Called before API 33 only")
    @Suppress("DEPRECATION")
    override fun onCharacteristicChanged(gatt: BluetoothGatt, characteristic: BluetoothGattCharacteristic) {
        if (characteristic.uuid == uuids.tx) events.notification(id, characteristic.value)
    }
}

/**
 * One scan's `ScanCallback`
 * (https://developer.android.com/reference/android/bluetooth/le/ScanCallback):
 * each result's address, RSSI and manufacturer data for [companyId].
 */
internal class ScanForwarder(
    private val id: ULong,
    private val companyId: UShort,
    private val events: BleEvents,
) : ScanCallback() {
    override fun onScanResult(callbackType: Int, result: ScanResult) {
        val data = result.scanRecord?.getManufacturerSpecificData(companyId.toInt()) ?: return
        events.scanResult(id, result.device.address, result.rssi.toShort(), companyId, data)
    }

    override fun onScanFailed(errorCode: Int) {
        events.scanFailed(id, errorCode)
    }
}

/**
 * `BluetoothAdapter.ACTION_STATE_CHANGED` with its `EXTRA_STATE`
 * (https://developer.android.com/reference/android/bluetooth/BluetoothAdapter#ACTION_STATE_CHANGED).
 */
internal class AdapterStateReceiver(private val events: BleEvents) : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val state = when (intent.getIntExtra(BluetoothAdapter.EXTRA_STATE, BluetoothAdapter.ERROR)) {
            BluetoothAdapter.STATE_ON -> BleAdapterState.ON
            BluetoothAdapter.STATE_TURNING_OFF, BluetoothAdapter.STATE_OFF -> BleAdapterState.OFF
            BluetoothAdapter.STATE_TURNING_ON -> BleAdapterState.RESETTING
            else -> return
        }
        events.adapterState(state)
    }
}
