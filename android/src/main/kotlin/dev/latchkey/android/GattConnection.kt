// One BluetoothGatt connection to a lock's latchkey service: connect, MTU,
// discovery, notifications on TX, writes without response on RX.
package dev.latchkey.android

import android.annotation.SuppressLint
import android.bluetooth.BluetoothDevice
import android.bluetooth.BluetoothGatt
import android.bluetooth.BluetoothGattCallback
import android.bluetooth.BluetoothGattCharacteristic
import android.bluetooth.BluetoothGattDescriptor
import android.bluetooth.BluetoothProfile
import android.content.Context
import android.os.Build
import dev.latchkey.BleConnection
import dev.latchkey.BleException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.util.UUID

/** Client Characteristic Configuration descriptor (enables notifications). */
private val CCCD: UUID = UUID.fromString("00002902-0000-1000-8000-00805f9b34fb")

/** Largest ATT MTU; Android negotiates down to what the lock supports. */
private const val WANTED_MTU = 517

@SuppressLint("MissingPermission") // A missing permission becomes BleException.PermissionDenied.
internal class GattConnection(
    private val context: Context,
    private val device: BluetoothDevice,
    private val uuids: GattUuids,
) : BleConnection {
    private val notifications = Channel<ByteArray>(Channel.UNLIMITED)
    /** GATT allows one outstanding operation; this serializes them. */
    private val operations = Mutex()
    @Volatile private var pending: CompletableDeferred<Int>? = null
    @Volatile private var gatt: BluetoothGatt? = null
    @Volatile private var rx: BluetoothGattCharacteristic? = null
    @Volatile private var mtu = 23

    private val callback = object : BluetoothGattCallback() {
        override fun onConnectionStateChange(gatt: BluetoothGatt, status: Int, newState: Int) {
            when {
                newState == BluetoothProfile.STATE_CONNECTED && status == BluetoothGatt.GATT_SUCCESS ->
                    pending?.complete(status)
                newState == BluetoothProfile.STATE_DISCONNECTED -> {
                    val error = if (status == BluetoothGatt.GATT_SUCCESS) {
                        BleException.Disconnected()
                    } else {
                        BleException.Other("GATT status $status")
                    }
                    pending?.completeExceptionally(error)
                    notifications.close(BleException.Disconnected())
                }
            }
        }

        override fun onMtuChanged(gatt: BluetoothGatt, mtu: Int, status: Int) {
            if (status == BluetoothGatt.GATT_SUCCESS) this@GattConnection.mtu = mtu
            pending?.complete(status)
        }

        override fun onServicesDiscovered(gatt: BluetoothGatt, status: Int) {
            pending?.complete(status)
        }

        override fun onDescriptorWrite(gatt: BluetoothGatt, descriptor: BluetoothGattDescriptor, status: Int) {
            pending?.complete(status)
        }

        override fun onCharacteristicWrite(gatt: BluetoothGatt, c: BluetoothGattCharacteristic, status: Int) {
            pending?.complete(status)
        }

        override fun onCharacteristicChanged(gatt: BluetoothGatt, c: BluetoothGattCharacteristic, value: ByteArray) {
            if (c.uuid == uuids.tx) notifications.trySend(value.copyOf())
        }

        @Deprecated("Used before API 33")
        @Suppress("DEPRECATION")
        override fun onCharacteristicChanged(gatt: BluetoothGatt, c: BluetoothGattCharacteristic) {
            if (Build.VERSION.SDK_INT < 33 && c.uuid == uuids.tx) notifications.trySend(c.value.copyOf())
        }
    }

    /** Starts one GATT operation and waits for its callback's status. */
    private suspend fun operation(what: String, start: () -> Boolean): Int = operations.withLock {
        val done = CompletableDeferred<Int>()
        pending = done
        try {
            if (!start()) throw BleException.Other("$what could not start")
            done.await()
        } catch (e: SecurityException) {
            throw BleException.PermissionDenied("BLUETOOTH_CONNECT")
        } finally {
            pending = null
        }
    }

    private fun requireSuccess(what: String, status: Int) {
        if (status != BluetoothGatt.GATT_SUCCESS) throw BleException.Other("$what failed (GATT status $status)")
    }

    override suspend fun connect(timeoutMs: ULong) {
        try {
            withTimeout(timeoutMs.toLong()) {
                operation("connect") {
                    gatt = device.connectGatt(context, false, callback, BluetoothDevice.TRANSPORT_LE)
                    gatt != null
                }
                val g = gatt ?: throw BleException.Disconnected()
                operation("MTU request") { g.requestMtu(WANTED_MTU) }
                requireSuccess("service discovery", operation("service discovery") { g.discoverServices() })
                val service = g.getService(uuids.service) ?: throw BleException.Other("the device has no latchkey service")
                val tx = service.getCharacteristic(uuids.tx) ?: throw BleException.Other("no TX characteristic")
                rx = service.getCharacteristic(uuids.rx) ?: throw BleException.Other("no RX characteristic")
                if (!g.setCharacteristicNotification(tx, true)) throw BleException.Other("can't enable notifications")
                val cccd = tx.getDescriptor(CCCD) ?: throw BleException.Other("TX has no CCCD")
                val enable = BluetoothGattDescriptor.ENABLE_NOTIFICATION_VALUE
                requireSuccess("enabling notifications", operation("enabling notifications") {
                    if (Build.VERSION.SDK_INT >= 33) {
                        g.writeDescriptor(cccd, enable) == BluetoothGatt.GATT_SUCCESS
                    } else {
                        @Suppress("DEPRECATION")
                        cccd.setValue(enable) && g.writeDescriptor(cccd)
                    }
                })
            }
        } catch (e: TimeoutCancellationException) {
            disconnect()
            throw BleException.ConnectTimeout()
        } catch (e: SecurityException) {
            disconnect()
            throw BleException.PermissionDenied("BLUETOOTH_CONNECT")
        }
    }

    override fun mtu(): UShort = mtu.toUShort()

    override suspend fun write(packet: ByteArray) {
        val g = gatt ?: throw BleException.Disconnected()
        val c = rx ?: throw BleException.Disconnected()
        val noResponse = BluetoothGattCharacteristic.WRITE_TYPE_NO_RESPONSE
        val status = operation("write") {
            if (Build.VERSION.SDK_INT >= 33) {
                g.writeCharacteristic(c, packet, noResponse) == BluetoothGatt.GATT_SUCCESS
            } else {
                @Suppress("DEPRECATION")
                c.writeType = noResponse
                @Suppress("DEPRECATION")
                c.setValue(packet) && g.writeCharacteristic(c)
            }
        }
        requireSuccess("write", status)
    }

    override suspend fun nextNotification(timeoutMs: ULong): ByteArray =
        withTimeoutOrNull(timeoutMs.toLong()) { notifications.receive() } ?: throw BleException.Timeout()

    override suspend fun disconnect() {
        val g = gatt ?: return
        gatt = null
        rx = null
        try {
            g.disconnect()
            g.close()
        } catch (_: SecurityException) {
            // Permission revoked meanwhile: the system closes the link anyway.
        }
        notifications.close()
    }
}
