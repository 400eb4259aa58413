// The story with the reference cloud: keys provisioned by sync, an
// offline unlock, and the queued events uploaded once back online.
package dev.latchkey.jvmtest

import dev.latchkey.AuthException
import dev.latchkey.AuthProvider
import dev.latchkey.BoltState
import dev.latchkey.ClientConfig
import dev.latchkey.DiagnosisCode
import dev.latchkey.LatchkeyClient
import dev.latchkey.LatchkeyClientBuilder
import dev.latchkey.Role
import dev.latchkey.SimulatedCloud
import dev.latchkey.SimulatedLock
import dev.latchkey.SimulatedWorld
import dev.latchkey.SyncException
import dev.latchkey.SyncOutcome
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** The app's sign-in, reduced to a token the test sets. */
class TestAuth : AuthProvider {
    @Volatile var token = ""
    val refreshes = AtomicInteger()

    override suspend fun bearerToken(forceRefresh: Boolean): String {
        if (forceRefresh) refreshes.incrementAndGet()
        if (token.isEmpty()) throw AuthException.SignedOut()
        return token
    }
}

/** A world, its cloud, one registered lock and a signed-in client with a key issued in the cloud. */
class CloudScene(
    val world: SimulatedWorld,
    val cloud: SimulatedCloud,
    val lock: SimulatedLock,
    val auth: TestAuth,
    val client: LatchkeyClient,
    private val dir: Path,
) : AutoCloseable {
    override fun close() {
        client.close()
        kotlinx.coroutines.runBlocking { cloud.shutdown() }
        cloud.close()
        world.close()
        dir.toFile().deleteRecursively()
    }
}

suspend fun cloudScene(): CloudScene {
    val world = SimulatedWorld()
    val dir = Files.createTempDirectory("latchkey-cloud")
    val cloud = SimulatedCloud.start(world, dir.resolve("cloud").toString())
    val lock = world.commissionLock("Front door")
    cloud.registerLock(lock)
    val auth = TestAuth()
    val config = ClientConfig(
        dataDir = dir.resolve("phone").toString(),
        cloudBaseUrl = cloud.baseUrl(),
        tlsRootCertificatesPem = listOf(cloud.caPem()),
    )
    val client = LatchkeyClientBuilder(config).simulatedWorld(world).authProvider(auth).build()
    auth.token = cloud.registerPhone("alex-phone", client.keys().holderPublicKey())
    val now = world.nowUnix()
    cloud.issueKey(lock.lockId, "alex-phone", Role.RESIDENT, now - 60u, now + 30u * 86_400u, true)
    return CloudScene(world, cloud, lock, auth, client, dir)
}

class CloudStoryTest : TestSuite() {
    init {
        test("provisioned from the cloud, unlocked offline, events uploaded back online") {
            cloudScene().use { s ->
                val sync = s.client.sync()!!
                s.client.setOnline(true)
                val provisioned = sync.syncNow()
                assertEquals(SyncOutcome.Completed, provisioned.outcome)
                assertTrue(provisioned.keysAdded >= 1u && provisioned.locksUpdated >= 1u, "$provisioned")
                assertEquals(listOf(s.lock.lockId), s.client.keys().list().map { it.lockId })

                s.client.setOnline(false)
                assertEquals(BoltState.UNLOCKED, s.client.locks().unlock(s.lock.lockId, null).bolt)
                assertEquals(SyncOutcome.Offline, sync.syncNow().outcome)
                val queued = sync.status().pendingEvents
                assertTrue(queued > 0uL, "the unlock queued events")
                assertTrue(s.cloud.receivedEventKinds(s.lock.lockId).isEmpty())

                s.client.setOnline(true)
                val back = sync.syncUntilIdle(5u)
                assertTrue(back.uploaded >= queued, "$back")
                assertEquals(0uL, sync.status().pendingEvents)
                val kinds = s.cloud.receivedEventKinds(s.lock.lockId)
                assertTrue("unlock_attempt" in kinds, "$kinds")
            }
        }

        test("the background loop uploads on its own when connectivity returns") {
            cloudScene().use { s ->
                val sync = s.client.sync()!!
                s.client.setOnline(true)
                sync.syncNow()
                s.client.setOnline(false)
                sync.startBackground()
                s.client.locks().unlock(s.lock.lockId, null)
                s.client.setOnline(true)
                assertTrue(eventually(10_000) { s.cloud.receivedEventKinds(s.lock.lockId).isNotEmpty() })
                sync.stopBackground()
            }
        }

        test("the background loop stops and starts again, any number of times") {
            cloudScene().use { s ->
                val sync = s.client.sync()!!
                s.client.setOnline(true)
                sync.syncNow()
                repeat(3) { round ->
                    // Stopped, then started again at once (and twice: still one loop).
                    sync.stopBackground()
                    sync.startBackground()
                    sync.startBackground()
                    val before = s.cloud.receivedEventKinds(s.lock.lockId).size
                    s.client.locks().status(s.lock.lockId, null)
                    assertTrue(
                        eventually(10_000) { s.cloud.receivedEventKinds(s.lock.lockId).size > before },
                        "round $round: the restarted loop uploaded",
                    )
                }
                sync.stopBackground()
            }
        }

        test("a refused token arrives as SyncException.Auth after one refresh") {
            cloudScene().use { s ->
                s.auth.token = "not-a-token"
                s.client.setOnline(true)
                val e = assertFailsWith<SyncException.Auth> { s.client.sync()!!.syncNow() }
                assertEquals(DiagnosisCode.CLOUD_AUTH, e.code)
                assertTrue(s.auth.refreshes.get() >= 1)
                val status = s.client.sync()!!.status()
                assertEquals(DiagnosisCode.CLOUD_AUTH, status.lastError?.code)
            }
        }
    }
}
