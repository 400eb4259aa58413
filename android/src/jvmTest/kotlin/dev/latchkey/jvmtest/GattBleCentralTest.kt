// The real Android glue (GattBleCentral) under a client, over a scripted
// Android Bluetooth stack (ScriptedAndroid.kt) and the simulated lock: the
// connection quirks of core/tests/central_android_quirks.rs, this time
// through the Kotlin that forwards them (the scan quirks: GattScanTest).
// The stack is a script of Android's documented behaviour, not a phone:
// see docs/bindings.md for what only a device can show.
package dev.latchkey.jvmtest

import android.bluetooth.BluetoothDevice
import android.bluetooth.BluetoothProfile
import android.bluetooth.le.ScanSettings
import android.os.Build
import dev.latchkey.SimulatedPin
import dev.latchkey.UnlockPath
import dev.latchkey.latchkeyGattService
import kotlin.test.assertEquals
import kotlin.test.assertTrue

class GattBleCentralTest : TestSuite() {
    init {
        test("GattBleCentral: an unlock over BluetoothGatt, one platform call at a time (API 36)") {
            gattScene().use { g ->
                val report = g.s.client.locks().unlock(g.s.lockId, null)
                assertEquals(UnlockPath.AUTH, report.path)
                assertEquals(1uL, g.s.world.actuationCount(g.s.lockId))
                assertEquals(1, g.bt.receivers.size, "listening for ACTION_STATE_CHANGED")

                val filter = g.bt.filters.single()
                assertEquals(latchkeyGattService().companyId.toInt(), filter.manufacturerId)
                assertEquals(5, filter.manufacturerData.size, "format version and short lock id")
                assertEquals(5, filter.manufacturerDataMask.size, "Android refuses a mask of another length")
                assertTrue(filter.manufacturerDataMask.all { it == 0xFF.toByte() })
                assertEquals(ScanSettings.SCAN_MODE_LOW_LATENCY, g.bt.settings.single().scanMode)

                val calls = g.gattCalls(1)
                assertEquals("connectGatt autoConnect=false transport=${BluetoothDevice.TRANSPORT_LE}", calls.first())
                val order = listOf(
                    "→ onConnectionStateChange 0 ${BluetoothProfile.STATE_CONNECTED}", "requestMtu 517",
                    "→ onMtuChanged 185", "discoverServices", "→ onServicesDiscovered",
                    "setCharacteristicNotification true", "writeDescriptor(descriptor, value) [1, 0]",
                    "→ onDescriptorWrite", "writeCharacteristic(", "→ onCharacteristicChanged", "disconnect", "close",
                )
                val at = order.map { calls.indexOfFirstStarting(it) }
                assertTrue(at.all { it >= 0 } && at == at.sorted(), "$calls")
                assertTrue(g.bt.gatts.single().closed)
                assertEquals(listOf("startScan", "stopScan"), g.bt.calls.filter { !it.startsWith("gatt") })
                assertTrue(g.bt.writeSizes.max() == 182, "packets fill MTU 185: ${g.bt.writeSizes}")
            }
        }

        test("GattBleCentral: Android 12 (API 31) uses the boolean calls and the old notification callback") {
            gattScene(sdk = Build.VERSION_CODES.S).use { g ->
                g.s.client.locks().unlock(g.s.lockId, null)
                val calls = g.gattCalls(1)
                assertTrue(calls.any { it == "writeDescriptor(descriptor) [1, 0]" }, "$calls")
                assertTrue(calls.any { it.startsWith("writeCharacteristic(characteristic 1)") }, "no response: $calls")
                assertTrue(calls.none { it.startsWith("writeCharacteristic(characteristic, value") }, "$calls")
                assertTrue(g.bt.gatts.single().notificationsBeforeApi33.get() > 0)
            }
        }

        test("GattBleCentral: status 133 on connect fails the attempt, closes its gatt, and the diagnosis names it") {
            gattScene {
                connectAnswers += ConnectAnswer(133, BluetoothProfile.STATE_DISCONNECTED)
            }.use { g ->
                val report = g.s.client.locks().unlock(g.s.lockId, null)
                assertEquals(2u, report.attempts)
                assertEquals(2, g.bt.gatts.size)
                val first = g.gattCalls(1)
                assertEquals(listOf("→ onConnectionStateChange 133 0", "disconnect", "close"), first.drop(1), "$first")
                assertTrue(g.bt.gatts.all { it.closed })
                // The app's snapshot leaves the GATT status out; the client's central kept it.
                assertTrue("gatt_connection_failed" in g.findings(), "${g.findings()}")
            }
        }

        test("GattBleCentral: connected with an error status is not used") {
            gattScene {
                connectAnswers += ConnectAnswer(8, BluetoothProfile.STATE_CONNECTED)
            }.use { g ->
                val report = g.s.client.locks().unlock(g.s.lockId, null)
                assertEquals(2u, report.attempts)
                assertEquals(listOf("→ onConnectionStateChange 8 2", "disconnect", "close"), g.gattCalls(1).drop(1))
            }
        }

        test("GattBleCentral: a late callback of a closed connection does not touch the next one") {
            gattScene {
                connectAnswers += ConnectAnswer(133, BluetoothProfile.STATE_DISCONNECTED)
                lateDisconnectFromFirstGatt = true
            }.use { g ->
                val report = g.s.client.locks().unlock(g.s.lockId, null)
                assertEquals(2u, report.attempts)
                assertTrue(g.bt.calls.contains("gatt1 → late onConnectionStateChange 0 0"), "${g.bt.calls}")
            }
        }

        test("GattBleCentral: no onMtuChanged, and the unlock goes on at MTU 23") {
            gattScene { mtuAnswer = MtuAnswer.NEVER }.use { g ->
                g.s.client.locks().unlock(g.s.lockId, null)
                assertTrue(g.gattCalls(1).none { it.startsWith("→ onMtuChanged") })
                assertEquals(20, g.bt.writeSizes.max(), "${g.bt.writeSizes}")
            }
        }

        test("GattBleCentral: a late onMtuChanged does not end service discovery") {
            gattScene { mtuAnswer = MtuAnswer.LATE }.use { g ->
                g.s.client.locks().unlock(g.s.lockId, null)
                val calls = g.gattCalls(1)
                val mtu = calls.indexOf("→ onMtuChanged 185")
                val discovered = calls.indexOf("→ onServicesDiscovered")
                val subscribing = calls.indexOfFirstStarting("setCharacteristicNotification")
                assertTrue(calls.indexOf("discoverServices") < mtu && mtu < discovered && discovered < subscribing, "$calls")
                assertEquals(182, g.bt.writeSizes.max(), "the late MTU is used: ${g.bt.writeSizes}")
            }
        }

        test("GattBleCentral: writeCharacteristic busy (201) is tried again until the stack takes it") {
            gattScene { busyWrites.set(3) }.use { g ->
                g.s.client.locks().unlock(g.s.lockId, null)
                val calls = g.gattCalls(1)
                assertEquals(3, calls.count { it == "busy" })
                assertEquals(g.bt.writeSizes.size + 3, calls.count { it.startsWith("writeCharacteristic(") })
                assertEquals(1uL, g.s.world.actuationCount(g.s.lockId))
            }
        }

        test("GattBleCentral: at MTU 517 no write is over 512 bytes (a 19-PIN list reaches the lock)") {
            gattScene { linkMtu = 517u }.use { g ->
                val pins = (1..19).map { SimulatedPin(it.toUByte(), "4815${1000 + it}") }
                val list = g.s.world.pinList(g.s.lockId, 1u, pins)
                assertTrue(list.size > 512, "${list.size} bytes")
                g.s.client.pins().addPinList(list, emptyMap())
                g.s.client.locks().unlock(g.s.lockId, null)
                assertTrue(g.gattCalls(1).contains("→ onMtuChanged 517"))
                assertEquals(512, g.bt.writeSizes.max(), "${g.bt.writeSizes}")
                assertEquals(false, g.s.client.pins().status(g.s.lockId).pending)
            }
        }

        test("GattBleCentral: the link dropped during service discovery fails that attempt at once") {
            gattScene { dropsDuringDiscovery.set(1) }.use { g ->
                val started = System.nanoTime()
                val report = g.s.client.locks().unlock(g.s.lockId, null)
                assertEquals(2u, report.attempts)
                assertEquals(1uL, g.s.world.actuationCount(g.s.lockId))
                val first = g.gattCalls(1)
                val dropped = first.indexOf("→ onConnectionStateChange 19 0")
                assertTrue(first.indexOf("discoverServices") in 0 until dropped, "$first")
                assertEquals(listOf("disconnect", "close"), first.drop(dropped + 1), "$first")
                assertTrue(first.none { it == "→ onServicesDiscovered" })
                val ms = (System.nanoTime() - started) / 1_000_000
                assertTrue(ms < 4_000, "not the discovery's timeout: $ms ms")
            }
        }

        test("GattBleCentral: onCharacteristicWrite never comes, and the lock's answer still decides") {
            gattScene { writeCallbacks = false }.use { g ->
                val report = g.s.client.locks().unlock(g.s.lockId, null)
                assertEquals(UnlockPath.AUTH, report.path)
                assertEquals(1u, report.attempts)
                assertEquals(1uL, g.s.world.actuationCount(g.s.lockId))
                val calls = g.gattCalls(1)
                assertTrue(calls.none { it == "→ onCharacteristicWrite" }, "$calls")
                assertEquals(g.bt.writeSizes.size, calls.count { it.startsWith("writeCharacteristic(") }, "never sent twice")
            }
        }
    }
}
