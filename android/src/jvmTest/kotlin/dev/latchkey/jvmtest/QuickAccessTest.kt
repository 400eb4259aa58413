// Quick access from Kotlin: the app's client shares a directory with its
// other processes (a Quick Settings tile, a Glance widget) and a
// QuickUnlock over that directory opens the lock without building a
// client. Both run in this one JVM here; separate processes are tested in
// Rust (tests/tests/quick_unlock_processes.rs).
package dev.latchkey.jvmtest

import dev.latchkey.ClientConfig
import dev.latchkey.CommandException
import dev.latchkey.DiagnosisCode
import dev.latchkey.LatchkeyClientBuilder
import dev.latchkey.QuickUnlock
import dev.latchkey.SimulatedWorld
import dev.latchkey.UnlockPath
import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

class QuickAccessTest : TestSuite() {
    init {
        test("a QuickUnlock opens the lock with the app's fast key and the app takes its record in") {
            val world = SimulatedWorld()
            val lock = world.commissionLock("Front door")
            val dir = Files.createTempDirectory("latchkey-kotlin-quick")
            val quickDir = dir.resolve("quick").toString()
            val keyStore = JvmKeyStore()
            val config = ClientConfig(dataDir = dir.resolve("app").toString(), quickAccessDir = quickDir)
            val client = LatchkeyClientBuilder(config).simulatedWorld(world).keyStore(keyStore).build()
            try {
                client.keys().addLock(lock.metadata)
                val key = world.issueKey(lock.lockId, client.keys().holderPublicKey(), residentGrant(world))
                client.keys().addKey(key, "Front door, resident")
                assertEquals(UnlockPath.AUTH, client.locks().unlock(lock.lockId, null).path)

                QuickUnlock.simulated(quickDir, keyStore, world).use { quick ->
                    val report = quick.unlock(lock.lockId, false, null)
                    assertEquals(UnlockPath.FAST, report.path)
                    assertEquals("Front door", report.lockName)
                    val unknown = assertFailsWith<CommandException.Refused> {
                        quick.unlock("00".repeat(16), true, null)
                    }
                    assertEquals(DiagnosisCode.UNKNOWN_LOCK, unknown.code)
                }
                client.refreshQuickAccess()
                // The app continues the counter after the tile's: FAST again.
                assertEquals(UnlockPath.FAST, client.locks().unlock(lock.lockId, null).path)
                assertEquals(3uL, world.actuationCount(lock.lockId))
            } finally {
                client.close()
                world.close()
                dir.toFile().deleteRecursively()
            }
        }

        test("a QuickUnlock over a directory the app never shared says to open the app") {
            val world = SimulatedWorld()
            val dir = Files.createTempDirectory("latchkey-kotlin-quick")
            try {
                QuickUnlock.simulated(dir.toString(), JvmKeyStore(), world).use { quick ->
                    val e = assertFailsWith<CommandException.Refused> { quick.unlock("00".repeat(16), true, null) }
                    assertEquals(DiagnosisCode.UNKNOWN_LOCK, e.code)
                }
            } finally {
                world.close()
                dir.toFile().deleteRecursively()
            }
        }
    }
}
