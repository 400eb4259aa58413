// The offline story through the bindings: configure, provision, go
// offline, unlock through the built-in simulated radio and through a
// Kotlin central, and cancel an unlock half-way.
package dev.latchkey.jvmtest

import dev.latchkey.BoltState
import dev.latchkey.CancelToken
import dev.latchkey.Command
import dev.latchkey.CommandException
import dev.latchkey.CredentialException
import dev.latchkey.DiagnosisCode
import dev.latchkey.Progress
import dev.latchkey.Role
import dev.latchkey.UnlockPath
import dev.latchkey.latchkeyVersion
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

class ClientStoryTest : TestSuite() {
    init {
        test("the client is configured and holds the provisioned key and lock") {
            scene().use { s ->
                assertTrue(latchkeyVersion().isNotEmpty())
                assertEquals(null, s.client.storeQuarantine())
                assertEquals(s.dir.toString(), s.client.config().dataDir)
                val keys = s.client.keys().list()
                assertEquals(1, keys.size)
                assertEquals(s.lockId, keys[0].lockId)
                assertEquals(Role.RESIDENT, keys[0].role)
                assertEquals("Front door", keys[0].lockName)
                assertTrue(keys[0].offlineAllowed)
                val locks = s.client.locks().list()
                assertEquals(listOf("Front door"), locks.map { it.metadata.name })
                assertEquals(null, locks[0].lastSeenAt, "never contacted yet")
                assertEquals(65, s.client.keys().holderPublicKey().size)
            }
        }

        test("offline, the built-in simulated radio unlocks with AUTH, then locks with FAST") {
            scene().use { s ->
                s.client.setOnline(false)
                val steps = ProgressRecorder()
                val first = s.client.locks().unlock(s.lockId, steps)
                assertEquals(Command.UNLOCK, first.command)
                assertEquals(UnlockPath.AUTH, first.path)
                assertEquals(BoltState.UNLOCKED, first.bolt)
                assertEquals(1u, first.roundTrips)
                assertEquals(BoltState.UNLOCKED, s.world.bolt(s.lockId))
                assertEquals(Progress.Scanning, steps.steps.first())
                assertTrue(steps.steps.any { it is Progress.Connecting })
                assertTrue(steps.steps.contains(Progress.Done("ok")), "steps: ${steps.steps}")

                val repeat = s.client.locks().lock(s.lockId, null)
                assertEquals(UnlockPath.FAST, repeat.path)
                assertEquals(BoltState.LOCKED, repeat.bolt)
                assertTrue(repeat.latencyMs < first.latencyMs)
                assertEquals(2uL, s.world.actuationCount(s.lockId))

                val lock = s.client.locks().list().single()
                assertTrue(lock.lastSeenAt != null)
                assertTrue(lock.statusObservedAt != null, "AUTH brought a full status")
                assertTrue(lock.batteryPercent!! > 0u)
            }
        }

        test("offline, a Kotlin BleCentral bridged to the simulator unlocks") {
            var central: SimulatedBleCentral? = null
            val services = Services(central = { w -> SimulatedBleCentral(w).also { central = it } })
            scene(services).use { s ->
                s.client.setOnline(false)
                val report = s.client.locks().unlock(s.lockId, null)
                assertEquals(BoltState.UNLOCKED, report.bolt)
                assertEquals(UnlockPath.AUTH, report.path)
                val again = s.client.locks().status(s.lockId, null)
                assertEquals(UnlockPath.FAST, again.path)
                val t = central!!
                assertEquals(2, t.connects.get())
                assertTrue(t.writes.get() >= 2)
                assertTrue(eventually { t.closes.get() == 2 }, "every connection closed")
                assertEquals(1uL, s.world.actuationCount(s.lockId))
            }
        }

        test("cancelling an unlock leaves nothing half-done") {
            var central: SimulatedBleCentral? = null
            val services = Services(central = { w -> SimulatedBleCentral(w).also { central = it } })
            scene(services).use { s ->
                val t = central!!
                s.client.setOnline(false)
                s.client.locks().unlock(s.lockId, null)
                assertEquals(1uL, s.world.actuationCount(s.lockId))

                // The lock acts on the next command, but its answer is held back:
                // cancel the caller's coroutine while the core waits for it.
                t.stallAfterAnswer = true
                coroutineScope {
                    val job = launch { s.client.locks().lock(s.lockId, null) }
                    withTimeout(10_000) { t.stalled.await() }
                    job.cancelAndJoin()
                }
                t.stallAfterAnswer = false
                assertEquals(2uL, s.world.actuationCount(s.lockId), "the cancelled command acted at most once")
                assertTrue(eventually { t.closes.get() == t.connects.get() }, "the connection was closed")

                // The store is intact and the client still works.
                assertEquals(1, s.client.keys().list().size)
                val report = s.client.locks().lock(s.lockId, null)
                assertEquals(BoltState.LOCKED, report.bolt)
                assertTrue(report.eventsCollected >= 1u, "the lock's log is still collected")
                assertEquals(3uL, s.world.actuationCount(s.lockId))
            }
        }

        test("a CancelToken stops a command as Swift's Task.cancel() does, with nothing half-done") {
            var central: SimulatedBleCentral? = null
            val services = Services(central = { w -> SimulatedBleCentral(w).also { central = it } })
            scene(services).use { s ->
                val t = central!!
                s.client.setOnline(false)
                s.client.locks().unlock(s.lockId, null)
                assertEquals(1uL, s.world.actuationCount(s.lockId))

                // The lock acts, its answer is held back; the token is cancelled
                // while the core waits for it.
                t.stallAfterAnswer = true
                val token = CancelToken()
                coroutineScope {
                    val call = async {
                        runCatching { s.client.locks().lock(s.lockId, null, token) }
                    }
                    withTimeout(10_000) { t.stalled.await() }
                    token.cancel()
                    val result = withTimeout(5_000) { call.await() }
                    assertTrue(result.exceptionOrNull() is CommandException.Cancelled, "$result")
                }
                t.stallAfterAnswer = false
                assertTrue(token.isCancelled())
                assertEquals(2uL, s.world.actuationCount(s.lockId), "the cancelled command acted at most once")
                assertTrue(eventually { t.closes.get() == t.connects.get() }, "the connection was closed")

                // A token cancelled before the call: nothing is tried.
                val before = t.connects.get()
                assertFailsWith<CommandException.Cancelled> {
                    s.client.locks().unlock(s.lockId, null, CancelToken().also { it.cancel() })
                }
                assertEquals(before, t.connects.get())

                // The client still works.
                val report = s.client.locks().lock(s.lockId, null)
                assertEquals(BoltState.LOCKED, report.bolt)
            }
        }

        test("with the outbox full the door still opens, and the report says the events wait on the lock") {
            scene().use { s ->
                s.client.close()
                s.client = buildClient(s.world, s.dir, outboxCapacity = 1uL)
                val report = s.client.locks().unlock(s.lockId, null)
                assertEquals(BoltState.UNLOCKED, report.bolt)
                assertEquals(0u, report.eventsCollected)
                val why = report.housekeepingError
                assertTrue(why != null && why.contains("outbox is full"), "report: $report")
                assertEquals(UnlockPath.FAST, s.client.locks().lock(s.lockId, null).path, "the fast key was kept")
            }
        }

        test("a sub-client used after close says the client was closed, not that storage failed") {
            scene().use { s ->
                val locks = s.client.locks()
                val keys = s.client.keys()
                s.client.close()
                val command = runCatching { locks.unlock(s.lockId, null) }.exceptionOrNull()
                assertTrue(command is CommandException.ClientClosed, "got $command")
                assertEquals(DiagnosisCode.INTERNAL, command.code)
                val credential = runCatching { keys.list() }.exceptionOrNull()
                assertTrue(credential is CredentialException.ClientClosed, "got $credential")
                assertEquals(0uL, s.world.actuationCount(s.lockId), "nothing reached the lock")
                s.client = buildClient(s.world, s.dir)
            }
        }

        test("the store keeps keys and lock state across a restart") {
            scene().use { s ->
                s.client.locks().unlock(s.lockId, null)
                s.client.close()
                s.client = buildClient(s.world, s.dir)
                assertEquals(1, s.client.keys().list().size)
                val lock = s.client.locks().list().single()
                assertEquals(BoltState.UNLOCKED, lock.bolt)
                // The fast key survived too.
                assertEquals(UnlockPath.FAST, s.client.locks().lock(s.lockId, null).path)
            }
        }
    }
}
