// latchkey's BleTransport over Android's BluetoothLeScanner and
// BluetoothGatt. It only scans, connects and moves packets; decoding,
// framing, timeouts, retries and diagnosis stay in Rust.
package dev.latchkey.android

import android.annotation.SuppressLint
import android.bluetooth.BluetoothAdapter
import android.bluetooth.BluetoothManager
import android.bluetooth.le.ScanCallback
import android.bluetooth.le.ScanFilter
import android.bluetooth.le.ScanResult
import android.bluetooth.le.ScanSettings
import android.content.Context
import android.os.ParcelUuid
import dev.latchkey.BleAdvertisement
import dev.latchkey.BleConnection
import dev.latchkey.BleException
import dev.latchkey.BleScanRequest
import dev.latchkey.BleTransport
import dev.latchkey.latchkeyGattService
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeoutOrNull
import java.util.UUID

/**
 * Pass to `LatchkeyClientBuilder.bleTransport(GattBleTransport(context))`.
 * The app asks for the runtime permissions; a missing one surfaces as
 * [BleException.PermissionDenied], which the core diagnoses.
 */
class GattBleTransport(context: Context) : BleTransport {
    private val context = context.applicationContext
    private val service = latchkeyGattService()

    private fun adapter(): BluetoothAdapter {
        val manager = context.getSystemService(BluetoothManager::class.java)
            ?: throw BleException.Unavailable("this device has no Bluetooth service")
        val adapter = manager.adapter ?: throw BleException.Unavailable("this device has no Bluetooth adapter")
        if (!adapter.isEnabled) throw BleException.BluetoothOff()
        return adapter
    }

    @SuppressLint("MissingPermission") // A missing permission becomes BleException.PermissionDenied.
    override suspend fun scan(request: BleScanRequest): List<BleAdvertisement> {
        val scanner = adapter().bluetoothLeScanner ?: throw BleException.BluetoothOff()
        val companyId = request.companyId.toInt()
        val prefix = request.manufacturerDataPrefix
        val filter = ScanFilter.Builder()
            .setManufacturerData(companyId, prefix, ByteArray(prefix.size) { 0xFF.toByte() })
            .build()
        val settings = ScanSettings.Builder().setScanMode(ScanSettings.SCAN_MODE_LOW_LATENCY).build()
        val seen = LinkedHashMap<String, BleAdvertisement>()
        val finished = CompletableDeferred<Unit>()
        val callback = object : ScanCallback() {
            override fun onScanResult(callbackType: Int, result: ScanResult) {
                val data = result.scanRecord?.getManufacturerSpecificData(companyId) ?: return
                val address = result.device.address
                synchronized(seen) {
                    seen[address] = BleAdvertisement(address, result.rssi.toShort(), request.companyId, data)
                }
                if (request.stopAtFirstMatch) finished.complete(Unit)
            }

            override fun onScanFailed(errorCode: Int) {
                finished.completeExceptionally(BleException.Other("scan failed to start (error $errorCode)"))
            }
        }
        try {
            scanner.startScan(listOf(filter), settings, callback)
            withTimeoutOrNull(request.timeoutMs.toLong()) { finished.await() }
        } catch (e: SecurityException) {
            throw BleException.PermissionDenied(scanPermission())
        } finally {
            try {
                scanner.stopScan(callback)
            } catch (_: Exception) {
                // Bluetooth switched off mid-scan: nothing to stop.
            }
        }
        return synchronized(seen) { seen.values.toList() }
    }

    override fun connection(address: String): BleConnection =
        GattConnection(context, adapter().getRemoteDevice(address), service.let {
            GattUuids(
                service = UUID.fromString(it.serviceUuid),
                rx = UUID.fromString(it.rxCharacteristicUuid),
                tx = UUID.fromString(it.txCharacteristicUuid),
            )
        })

    private fun scanPermission(): String =
        if (android.os.Build.VERSION.SDK_INT >= 31) "BLUETOOTH_SCAN" else "ACCESS_FINE_LOCATION"

    /** Scan-filter helper for apps that scan themselves (e.g. for a lock list). */
    fun serviceFilter(): ScanFilter =
        ScanFilter.Builder().setServiceUuid(ParcelUuid.fromString(service.serviceUuid)).build()
}

/** The latchkey service and its two characteristics. */
internal data class GattUuids(val service: UUID, val rx: UUID, val tx: UUID)
