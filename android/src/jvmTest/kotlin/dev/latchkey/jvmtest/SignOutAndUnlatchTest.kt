// Unlatch with the lock's role rule on both sides, and sign-out: what it
// uploads first, what it reports, and that nothing readable is left.
package dev.latchkey.jvmtest

import dev.latchkey.BoltState
import dev.latchkey.Command
import dev.latchkey.CommandException
import dev.latchkey.CredentialException
import dev.latchkey.DiagnosisCode
import dev.latchkey.Role
import dev.latchkey.SignOutUpload
import dev.latchkey.SimulatedGrant
import dev.latchkey.explainDiagnosis
import java.nio.file.Files
import java.nio.file.Path
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Every file under `dir` that contains any of `needles`. */
fun filesContaining(dir: Path, needles: List<ByteArray>): List<Path> {
    if (!Files.exists(dir)) return emptyList()
    return Files.walk(dir).use { paths ->
        paths.filter { Files.isRegularFile(it) }.toList().filter { file ->
            val bytes = Files.readAllBytes(file)
            needles.any { needle -> bytes.indexOf(needle) >= 0 }
        }
    }
}

private fun ByteArray.indexOf(needle: ByteArray): Int =
    (0..size - needle.size).firstOrNull { i -> needle.indices.all { this[i + it] == needle[it] } } ?: -1

private fun hex(s: String) = s.chunked(2).map { it.toInt(16).toByte() }.toByteArray()

class SignOutAndUnlatchTest : TestSuite() {
    init {
        test("a resident unlatches; a service key is refused before the radio, as the lock would") {
            scene().use { s ->
                val report = s.client.locks().unlatch(s.lockId, null)
                assertEquals(Command.UNLATCH, report.command)
                assertEquals(BoltState.UNLOCKED, report.bolt)
                assertEquals(1uL, s.world.actuationCount(s.lockId))

                val tech = buildClient(s.world, Files.createTempDirectory("latchkey-tech"))
                tech.keys().addLock(s.lock.metadata)
                val grant = SimulatedGrant(Role.SERVICE, s.world.nowUnix() - 60u, s.world.nowUnix() + 86_400u, true)
                tech.keys().addKey(s.world.issueKey(s.lockId, tech.keys().holderPublicKey(), grant), "Technician")
                val refused = assertFailsWith<CommandException.Refused> { tech.locks().unlatch(s.lockId, null) }
                assertEquals(DiagnosisCode.ROLE_NOT_ALLOWED, refused.code)
                assertEquals(null, refused.lockResult, "refused by the phone, not the lock")
                assertEquals(1uL, s.world.actuationCount(s.lockId), "nothing reached the lock")
                assertTrue(explainDiagnosis(DiagnosisCode.ROLE_NOT_ALLOWED).title.isNotEmpty())
                assertEquals(BoltState.LOCKED, tech.locks().lock(s.lockId, null).bolt, "the service key still locks")
                tech.close()
            }
        }

        test("signing out offline deletes keys and store, and reports the events never uploaded") {
            val keyStore = JvmKeyStore()
            val signer = JvmSigner()
            scene(Services(keyStore = keyStore, signer = signer)).use { s ->
                s.client.setOnline(false)
                s.client.locks().unlock(s.lockId, null)
                val keyId = s.client.keys().list().single().keyId
                val report = s.client.signOut()
                assertEquals(SignOutUpload.NoCloud, report.upload)
                assertTrue(report.notUploadedAccessEvents > 0uL, "$report")
                assertEquals(emptyList(), report.leftBehind)
                assertTrue(keyStore.deleted && signer.deleted, "the platform keys were deleted")
                assertFailsWith<CredentialException.ClientClosed> { s.client.keys().list() }
                assertFailsWith<CommandException.ClientClosed> { s.client.locks().unlock(s.lockId, null) }
                s.client.close()
                val needles = listOf(hex(s.lockId), hex(keyId), "Front door".toByteArray())
                assertEquals(emptyList(), filesContaining(s.dir, needles))
                assertTrue(!Files.exists(s.dir.resolve("store")), "the store's directory is gone")
                // A new account starts from nothing in the same directory.
                s.client = buildClient(s.world, s.dir)
                assertEquals(0, s.client.keys().list().size)
            }
        }

        test("signing out online uploads the waiting events first") {
            cloudScene().use { s ->
                val sync = s.client.sync()!!
                s.client.setOnline(true)
                sync.syncNow()
                s.client.setOnline(false)
                s.client.locks().unlock(s.lock.lockId, null)
                s.client.setOnline(true)
                val report = s.client.signOut()
                assertEquals(SignOutUpload.Completed, report.upload)
                assertTrue(report.uploaded > 0uL)
                assertEquals(0uL, report.notUploadedAccessEvents)
                assertTrue(s.cloud.receivedEventKinds(s.lock.lockId).contains("unlock_attempt"))
            }
        }
    }
}
