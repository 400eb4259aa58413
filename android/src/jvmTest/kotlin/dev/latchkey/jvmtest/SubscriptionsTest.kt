// Live values through the Kotlin Flow wrappers (android/.../Flows.kt),
// collected against the simulated world: each delivers its value now and
// after the changes that concern it, and stops when its collector goes.
package dev.latchkey.jvmtest

import dev.latchkey.BoltState
import dev.latchkey.Command
import dev.latchkey.LockView
import dev.latchkey.LockViewListener
import dev.latchkey.SubscriptionException
import dev.latchkey.android.keysFlow
import dev.latchkey.android.nearbyFlow
import dev.latchkey.android.stateFlow
import dev.latchkey.android.statusFlow
import dev.latchkey.runningSubscriptionCount
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** A flow collected in `scope` into a channel; the flow's end closes it (with its error, if any). */
class Collected<T>(scope: CoroutineScope, flow: Flow<T>) {
    private val values = Channel<T>(Channel.UNLIMITED)
    val job = scope.launch {
        try {
            flow.collect { values.send(it) }
            values.close()
        } catch (e: SubscriptionException) {
            values.close(e)
        }
    }

    /** The next value matching `wanted` (earlier ones are skipped). */
    suspend fun next(timeoutMs: Long = 10_000, wanted: (T) -> Boolean = { true }): T = withTimeout(timeoutMs) {
        var value = values.receive()
        while (!wanted(value)) value = values.receive()
        value
    }

    /** Waits for the flow to end; its error, if it failed. */
    suspend fun end(timeoutMs: Long = 10_000): Throwable? = withTimeout(timeoutMs) {
        runCatching { for (ignored in values) Unit }.exceptionOrNull()
    }

}

class SubscriptionsTest : TestSuite() {
    init {
        test("a lock's state flow shows the lock now, then the unlock with its outcome") {
            scene().use { s ->
                coroutineScope {
                    val states = Collected(this, s.client.locks().stateFlow(s.lockId))
                    val first = states.next()
                    assertEquals("Front door", first.name)
                    assertEquals(null, first.bolt, "never contacted")
                    assertEquals(null, first.lastOutcome)
                    s.client.locks().unlock(s.lockId, null)
                    val unlocked = states.next { it.bolt == BoltState.UNLOCKED }
                    assertEquals(Command.UNLOCK, unlocked.lastOutcome?.command)
                    assertTrue(unlocked.lastOutcome!!.succeeded)
                    assertTrue(unlocked.batteryPercent!! > 0u)
                    assertFalse(unlocked.drifting)
                    s.client.locks().lock(s.lockId, null)
                    assertEquals(Command.LOCK, states.next { it.bolt == BoltState.LOCKED }.lastOutcome?.command)
                    states.job.cancelAndJoin()
                }
            }
        }

        test("a cancelled subscription calls its listener no more; it was never called on the caller's thread") {
            scene().use { s ->
                val views = CopyOnWriteArrayList<LockView>()
                val threads: MutableSet<String> = ConcurrentHashMap.newKeySet()
                val listener = object : LockViewListener {
                    override fun onUpdate(view: LockView) {
                        threads += Thread.currentThread().name
                        views += view
                    }

                    override fun onError(error: SubscriptionException) {}
                }
                val caller = Thread.currentThread().name
                val subscription = s.client.locks().subscribe(s.lockId, listener)
                assertTrue(eventually { views.isNotEmpty() })
                s.client.locks().unlock(s.lockId, null)
                assertTrue(eventually { views.any { it.bolt == BoltState.UNLOCKED } })
                // JNA names the library's thread anew for each call; the
                // caller's thread must never appear.
                assertTrue(caller !in threads, "called on the caller's thread $caller: $threads")
                assertTrue(subscription.isActive())
                subscription.cancel()
                assertFalse(subscription.isActive())
                val seen = views.size
                s.client.locks().lock(s.lockId, null)
                s.client.locks().unlock(s.lockId, null)
                delay(500)
                assertEquals(seen, views.size, "no call after cancel: ${views.drop(seen)}")
                subscription.close()
            }
        }

        test("cancelling each flow's collector ends its subscription's task in the library") {
            cloudScene().use { s ->
                s.client.setOnline(true)
                s.client.sync()!!.syncNow()
                val before = runningSubscriptionCount()
                coroutineScope {
                    val flows = listOf(
                        Collected(this, s.client.locks().stateFlow(s.lock.lockId)),
                        Collected(this, s.client.locks().nearbyFlow()),
                        Collected(this, s.client.keys().keysFlow()),
                        Collected(this, s.client.sync()!!.statusFlow()),
                    )
                    flows.forEach { it.next() }
                    assertEquals(before + 4uL, runningSubscriptionCount())
                    flows.forEach { it.job.cancelAndJoin() }
                    assertTrue(eventually { runningSubscriptionCount() == before }, "${runningSubscriptionCount()} running")
                }
            }
        }

        test("the keys flow follows a key added, and ends when the client signs out") {
            scene().use { s ->
                coroutineScope {
                    val keys = Collected(this, s.client.keys().keysFlow())
                    assertEquals(1, keys.next().size)
                    val second = s.world.issueKey(s.lockId, s.client.keys().holderPublicKey(), residentGrant(s.world))
                    s.client.keys().addKey(second, "Front door, spare")
                    val both = keys.next { it.size == 2 }
                    assertTrue(both.any { it.label == "Front door, spare" })
                    s.client.signOut()
                    assertEquals(null, keys.end(), "a signed-out client completes the flow")
                }
            }
        }

        test("the nearby flow lists the lock in range by name and drops it when it leaves") {
            scene().use { s ->
                coroutineScope {
                    val nearby = Collected(this, s.client.locks().nearbyFlow())
                    val seen = nearby.next { it.locks.isNotEmpty() }
                    val lock = seen.locks.single()
                    assertEquals("Front door", lock.name)
                    assertEquals(s.lockId, lock.lockId)
                    assertEquals(s.lockId.take(8), lock.shortLockId)
                    assertEquals(null, seen.problem)
                    s.world.setInRange(s.lockId, false)
                    nearby.next { it.locks.isEmpty() }
                    s.world.setInRange(s.lockId, true)
                    nearby.next { it.locks.isNotEmpty() }
                    nearby.job.cancelAndJoin()
                }
            }
        }

        test("a flow for a lock the phone does not know fails with UnknownLock") {
            scene().use { s ->
                coroutineScope {
                    val states = Collected(this, s.client.locks().stateFlow("00".repeat(16)))
                    assertTrue(states.end() is SubscriptionException.UnknownLock)
                }
            }
        }

        test("the sync status flow counts events queued offline and uploaded back online") {
            cloudScene().use { s ->
                val sync = s.client.sync()!!
                s.client.setOnline(true)
                sync.syncNow()
                coroutineScope {
                    val status = Collected(this, sync.statusFlow())
                    assertTrue(status.next().online)
                    s.client.setOnline(false)
                    status.next { !it.online }
                    s.client.locks().unlock(s.lock.lockId, null)
                    val queued = status.next { it.pendingEvents > 0uL }
                    assertTrue(queued.lastSuccessAt != null)
                    s.client.setOnline(true)
                    sync.syncUntilIdle(5u)
                    status.next { it.online && it.pendingEvents == 0uL }
                    status.job.cancelAndJoin()
                }
            }
        }
    }
}
