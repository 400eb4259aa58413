// The real Android glue (GattBleCentral) under a client, over a scripted
// Android Bluetooth stack (ScriptedAndroid.kt) and the simulated lock: the
// starting point of GattBleCentralTest and GattScanTest.
package dev.latchkey.jvmtest

import android.os.Build
import dev.latchkey.DeviceSnapshot
import dev.latchkey.android.AndroidPlatformSnapshot
import dev.latchkey.android.GattBleCentral
import kotlin.test.assertEquals

/** A scene whose client drives the real GattBleCentral over a scripted stack ([gattScene]). */
class GattScene(val s: Scene, val bt: ScriptedBluetooth) : AutoCloseable {
    /** The calls and callbacks of connection [n] (1-based), without its prefix. */
    fun gattCalls(n: Int): List<String> = bt.calls.filter { it.startsWith("gatt$n ") }.map { it.removePrefix("gatt$n ") }

    /** Codes of the findings for what the app's own collector reads now. */
    suspend fun findings(): List<String> {
        val snapshot = AndroidPlatformSnapshot(bt.context).collect()
        val android = (snapshot.device as DeviceSnapshot.Android).v1
        assertEquals(0u, android.scansStartedLast30s, "the collector leaves the radio's facts to the client")
        assertEquals(null, android.lastGattStatus)
        return s.client.diagnostics().diagnose(snapshot, s.lockId).map { it.code }
    }

    override fun close() {
        s.close()
        bt.close()
        Build.VERSION.SDK_INT = Build.VERSION_CODES.BAKLAVA
    }
}

/** A [GattScene] at API level [sdk], its stack set up by [script] before the client is built. */
suspend fun gattScene(sdk: Int = Build.VERSION_CODES.BAKLAVA, script: ScriptedBluetooth.() -> Unit = {}): GattScene {
    Build.VERSION.SDK_INT = sdk
    var stack: ScriptedBluetooth? = null
    val s = scene(
        Services(central = { world -> GattBleCentral(ScriptedBluetooth(world).apply(script).also { stack = it }.context) }),
    )
    return GattScene(s, stack!!)
}

/** The index of the first entry starting with [prefix], or -1. */
fun List<String>.indexOfFirstStarting(prefix: String) = indexOfFirst { it.startsWith(prefix) }

