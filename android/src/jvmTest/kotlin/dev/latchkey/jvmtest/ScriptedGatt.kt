// One scripted BluetoothGatt (see ScriptedAndroid.kt): connects over the
// simulated radio, answers each GATT call as Android documents it, and
// calls back later on the stack's thread until it is closed.
package dev.latchkey.jvmtest

import android.bluetooth.BluetoothGatt
import android.bluetooth.BluetoothGattCallback
import android.bluetooth.BluetoothGattCharacteristic
import android.bluetooth.BluetoothGattDescriptor
import android.bluetooth.BluetoothGattService
import android.bluetooth.BluetoothProfile
import android.bluetooth.BluetoothStatusCodes
import android.os.Build
import dev.latchkey.SimulatedLink
import dev.latchkey.latchkeyGattService
import java.util.UUID
import java.util.concurrent.atomic.AtomicInteger

private val UUIDS = latchkeyGattService()
private val SERVICE: UUID = UUID.fromString(UUIDS.serviceUuid)
private val RX: UUID = UUID.fromString(UUIDS.rxCharacteristicUuid)
private val TX: UUID = UUID.fromString(UUIDS.txCharacteristicUuid)
private val CCCD: UUID = UUID.fromString("00002902-0000-1000-8000-00805f9b34fb")

/** One `BluetoothGatt` over a simulated link. */
class ScriptedGatt(
    private val bt: ScriptedBluetooth,
    val number: Int,
    private val address: String,
    val callback: BluetoothGattCallback,
) : BluetoothGatt() {
    @Volatile private var link: SimulatedLink? = null
    @Volatile private var services: BluetoothGattService? = null
    @Volatile private var lateMtu: Int? = null
    @Volatile var closed = false
    val notificationsBeforeApi33 = AtomicInteger()

    private val rx = BluetoothGattCharacteristic(RX, BluetoothGattCharacteristic.PROPERTY_WRITE_NO_RESPONSE, 0)
    private val tx = BluetoothGattCharacteristic(TX, BluetoothGattCharacteristic.PROPERTY_NOTIFY, 0).apply {
        addDescriptor(BluetoothGattDescriptor(CCCD, BluetoothGattDescriptor.PERMISSION_WRITE))
    }

    private fun record(what: String) = bt.record("gatt$number $what")

    /** Delivers a callback later, unless the gatt was closed by then (Android stops calling back). */
    private fun deliver(what: String, delayMs: Long = 0, callback: () -> Unit) {
        bt.later(delayMs) {
            if (closed) return@later
            record("→ $what")
            callback()
        }
    }

    fun open(answer: ConnectAnswer) {
        bt.later {
            if (answer == ConnectAnswer.CONNECTED) {
                link = try {
                    bt.world.connectWithMtu(address, bt.linkMtu)
                } catch (e: Exception) {
                    null
                }
            }
            val (status, state) = if (answer == ConnectAnswer.CONNECTED && link == null) {
                133 to BluetoothProfile.STATE_DISCONNECTED
            } else {
                answer.status to answer.newState
            }
            deliver("onConnectionStateChange $status $state") { callback.onConnectionStateChange(this, status, state) }
            val first = bt.gatts.first()
            if (bt.lateDisconnectFromFirstGatt && number == 2 && link != null) {
                // Straight to the old callback: a late callback the old gatt's close did not stop.
                bt.later {
                    bt.record("gatt1 → late onConnectionStateChange 0 0")
                    first.callback.onConnectionStateChange(first, 0, BluetoothProfile.STATE_DISCONNECTED)
                }
            }
        }
    }

    override fun requestMtu(mtu: Int): Boolean {
        record("requestMtu $mtu")
        val link = link ?: return false
        val agreed = minOf(mtu, link.mtu().toInt())
        when (bt.mtuAnswer) {
            MtuAnswer.AT_ONCE -> deliver("onMtuChanged $agreed") { callback.onMtuChanged(this, agreed, GATT_SUCCESS) }
            MtuAnswer.NEVER -> {}
            MtuAnswer.LATE -> lateMtu = agreed
        }
        return true
    }

    override fun discoverServices(): Boolean {
        record("discoverServices")
        if (link == null) return false
        lateMtu?.let { mtu -> deliver("onMtuChanged $mtu") { callback.onMtuChanged(this, mtu, GATT_SUCCESS) } }
        if (bt.dropsDuringDiscovery.getAndUpdate { maxOf(0, it - 1) } > 0) {
            // The lock goes away mid-discovery: GATT_CONN_TERMINATE_PEER_USER (19), no onServicesDiscovered.
            deliver("onConnectionStateChange 19 0", delayMs = 40) {
                link?.disconnect()
                callback.onConnectionStateChange(this, 19, BluetoothProfile.STATE_DISCONNECTED)
            }
            return true
        }
        // Discovery takes a while on a phone; a late MTU answer arrives meanwhile.
        deliver("onServicesDiscovered", delayMs = 200) {
            services = BluetoothGattService(SERVICE, BluetoothGattService.SERVICE_TYPE_PRIMARY).apply {
                addCharacteristic(rx)
                addCharacteristic(tx)
            }
            callback.onServicesDiscovered(this, GATT_SUCCESS)
        }
        return true
    }

    /** Null until discovery ended, as on Android. */
    override fun getService(uuid: UUID): BluetoothGattService? = services?.takeIf { it.uuid == uuid }

    override fun setCharacteristicNotification(characteristic: BluetoothGattCharacteristic, enable: Boolean): Boolean {
        record("setCharacteristicNotification $enable")
        return link != null
    }

    override fun writeDescriptor(descriptor: BluetoothGattDescriptor, value: ByteArray): Int {
        record("writeDescriptor(descriptor, value) ${value.toList()}")
        deliver("onDescriptorWrite") { callback.onDescriptorWrite(this, descriptor, GATT_SUCCESS) }
        return BluetoothStatusCodes.SUCCESS
    }

    @Deprecated("Before API 33")
    @Suppress("DEPRECATION")
    override fun writeDescriptor(descriptor: BluetoothGattDescriptor): Boolean {
        record("writeDescriptor(descriptor) ${descriptor.value.toList()}")
        deliver("onDescriptorWrite") { callback.onDescriptorWrite(this, descriptor, GATT_SUCCESS) }
        return true
    }

    /** API 33+: longer than 512 bytes throws, busy answers 201. */
    override fun writeCharacteristic(characteristic: BluetoothGattCharacteristic, value: ByteArray, writeType: Int): Int {
        record("writeCharacteristic(characteristic, value, $writeType) ${value.size}")
        if (value.size > 512) {
            throw IllegalArgumentException("value should not be longer than max length of an attribute value")
        }
        if (takeBusy()) return BluetoothStatusCodes.ERROR_GATT_WRITE_REQUEST_BUSY
        transmit(value)
        return BluetoothStatusCodes.SUCCESS
    }

    @Deprecated("Before API 33")
    @Suppress("DEPRECATION")
    override fun writeCharacteristic(characteristic: BluetoothGattCharacteristic): Boolean {
        val value = characteristic.value
        record("writeCharacteristic(characteristic ${characteristic.writeType}) ${value.size}")
        if (takeBusy()) return false
        transmit(value)
        return true
    }

    private fun takeBusy(): Boolean {
        val busy = bt.busyWrites.getAndUpdate { maxOf(0, it - 1) } > 0
        if (busy) record("busy")
        return busy
    }

    /** The packet goes to the lock; its answer comes back as notifications. */
    private fun transmit(value: ByteArray) {
        bt.writeSizes += value.size
        val packet = value.copyOf()
        bt.later {
            val answer = try {
                link?.write(packet, 3_000u) ?: return@later
            } catch (e: Exception) {
                deliver("onConnectionStateChange 8 0") {
                    callback.onConnectionStateChange(this, 8, BluetoothProfile.STATE_DISCONNECTED)
                }
                return@later
            }
            if (bt.writeCallbacks) {
                deliver("onCharacteristicWrite") { callback.onCharacteristicWrite(this, rx, GATT_SUCCESS) }
            }
            for (notification in answer.notifications) {
                deliver("onCharacteristicChanged ${notification.size}") { notify(notification) }
            }
            if (answer.disconnected) {
                deliver("onConnectionStateChange 19 0") {
                    callback.onConnectionStateChange(this, 19, BluetoothProfile.STATE_DISCONNECTED)
                }
            }
        }
    }

    @Suppress("DEPRECATION")
    private fun notify(value: ByteArray) {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            callback.onCharacteristicChanged(this, tx, value)
        } else {
            notificationsBeforeApi33.incrementAndGet()
            tx.setValue(value)
            callback.onCharacteristicChanged(this, tx)
        }
    }

    override fun disconnect() {
        record("disconnect")
        link?.disconnect()
    }

    override fun close() {
        record("close")
        closed = true
        link?.let {
            it.disconnect()
            it.close()
        }
        link = null
    }
}
