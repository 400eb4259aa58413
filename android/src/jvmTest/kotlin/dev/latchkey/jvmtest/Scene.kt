// A simulated world, one commissioned lock and a client holding a key for
// it: the starting point of most tests.
package dev.latchkey.jvmtest

import dev.latchkey.BleCentral
import dev.latchkey.ClientConfig
import dev.latchkey.KeyStore
import dev.latchkey.LatchkeyClient
import dev.latchkey.LatchkeyClientBuilder
import dev.latchkey.Progress
import dev.latchkey.ProgressListener
import dev.latchkey.Role
import dev.latchkey.Signer
import dev.latchkey.SimulatedGrant
import dev.latchkey.SimulatedLock
import dev.latchkey.SimulatedWorld
import kotlinx.coroutines.delay
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CopyOnWriteArrayList

/** What a test needs; `close()` frees the Rust objects and the directory. */
class Scene(
    val world: SimulatedWorld,
    val lock: SimulatedLock,
    val dir: Path,
    var client: LatchkeyClient,
) : AutoCloseable {
    val lockId: String get() = lock.lockId

    override fun close() {
        client.close()
        world.close()
        dir.toFile().deleteRecursively()
    }
}

/** The platform services a test plugs in (null: the library's defaults). */
class Services(
    val central: ((SimulatedWorld) -> BleCentral)? = null,
    val keyStore: KeyStore? = null,
    val signer: Signer? = null,
)

/** A client over `dir` in `world`, with the given services. */
suspend fun buildClient(
    world: SimulatedWorld,
    dir: Path,
    services: Services = Services(),
    outboxCapacity: ULong? = null,
): LatchkeyClient {
    val config = ClientConfig(dataDir = dir.toString(), outboxCapacity = outboxCapacity)
    var builder = LatchkeyClientBuilder(config).simulatedWorld(world)
    services.central?.let { builder = builder.bleCentral(it(world)) }
    services.keyStore?.let { builder = builder.keyStore(it) }
    services.signer?.let { builder = builder.signer(it) }
    return builder.build()
}

/** A resident key valid from a minute ago for 30 days. */
fun residentGrant(world: SimulatedWorld, offlineAllowed: Boolean = true) = SimulatedGrant(
    role = Role.RESIDENT,
    notBefore = world.nowUnix() - 60u,
    notAfter = world.nowUnix() + 30u * 86_400u,
    offlineAllowed = offlineAllowed,
)

/** World, lock "Front door", client with the lock's metadata and a resident key. */
suspend fun scene(services: Services = Services(), offlineAllowed: Boolean = true): Scene {
    val world = SimulatedWorld()
    val lock = world.commissionLock("Front door")
    val dir = Files.createTempDirectory("latchkey-kotlin")
    val client = buildClient(world, dir, services)
    client.keys().addLock(lock.metadata)
    val key = world.issueKey(lock.lockId, client.keys().holderPublicKey(), residentGrant(world, offlineAllowed))
    client.keys().addKey(key, "Front door, resident")
    return Scene(world, lock, dir, client)
}

/** Records every progress step. */
class ProgressRecorder : ProgressListener {
    val steps = CopyOnWriteArrayList<Progress>()

    override fun onProgress(progress: Progress) {
        steps += progress
    }
}

/** Polls `condition` every 10 ms for up to `timeoutMs`. */
suspend fun eventually(timeoutMs: Long = 5_000, condition: () -> Boolean): Boolean {
    val deadline = System.currentTimeMillis() + timeoutMs
    while (System.currentTimeMillis() < deadline) {
        if (condition()) return true
        delay(10)
    }
    return condition()
}
