// Setting a lock up through the bindings: a host's phone fetches what a
// claim installs while online, claims a lock fresh from the factory with
// its label's code offline (progress steps to the app's listener), then
// brings it back after a factory reset with the code it kept.
package dev.latchkey.jvmtest

import dev.latchkey.ClaimSettings
import dev.latchkey.ClientConfig
import dev.latchkey.CommandException
import dev.latchkey.DiagnosisCode
import dev.latchkey.LatchkeyClientBuilder
import dev.latchkey.Progress
import dev.latchkey.ProgressListener
import dev.latchkey.SimulatedCloud
import dev.latchkey.SimulatedWorld
import java.nio.file.Files
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** The setup steps an app would show. */
class SetupSteps : ProgressListener {
    val steps = CopyOnWriteArrayList<String>()

    override fun onProgress(progress: Progress) {
        if (progress is Progress.Setup) steps += progress.what
    }
}

class SetupTest : TestSuite() {
    init {
        test("a host's phone claims a new lock offline, and brings it back after a factory reset") {
            val world = SimulatedWorld()
            val dir = Files.createTempDirectory("latchkey-setup")
            val cloud = SimulatedCloud.start(world, dir.resolve("cloud").toString())
            val auth = TestAuth()
            val config = ClientConfig(
                dataDir = dir.resolve("phone").toString(),
                cloudBaseUrl = cloud.baseUrl(),
                tlsRootCertificatesPem = listOf(cloud.caPem()),
            )
            val client = LatchkeyClientBuilder(config).simulatedWorld(world).authProvider(auth).build()
            try {
                auth.token = cloud.registerHost("hannah-phone", client.keys().holderPublicKey())
                val lock = world.addNewLock("Garden gate")
                client.setOnline(true)
                val (issuer, pinSecret) = client.sync()!!.commissioning(lock.lockId)

                client.setOnline(false)
                val wrong = lock.label.dropLast(1) + if (lock.label.last() == '0') "1" else "0"
                val refused = assertFailsWith<CommandException.Refused> {
                    client.setup().claim(wrong, ClaimSettings("Garden gate", issuer, pinSecret, 60, listOf()), null)
                }
                assertEquals(DiagnosisCode.SETUP_CODE_WRONG, refused.code)

                val steps = SetupSteps()
                val claimed = client.setup().claim(
                    lock.label, ClaimSettings("Garden gate", issuer, pinSecret, 60, listOf()), steps,
                )
                assertEquals(lock.lockId to 1u, claimed.lockId to claimed.epoch)
                assertEquals("1.0.0", claimed.firmware)
                assertTrue("checking the setup code" in steps.steps && "finishing" in steps.steps, "${steps.steps}")

                world.factoryReset(lock.lockId)
                val back = client.setup().recommission(lock.lockId, null, null)
                assertEquals(2u, back.epoch)
                assertTrue(back.recommissioned)
            } finally {
                client.close()
                cloud.shutdown()
                cloud.close()
                world.close()
                dir.toFile().deleteRecursively()
            }
        }
    }
}
