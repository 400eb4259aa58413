// Kotlin-implemented platform services: a key store and a signer over the
// JVM's crypto (the shape an Android Keystore implementation has), and a
// log sink.
package dev.latchkey.jvmtest

import dev.latchkey.ClientException
import dev.latchkey.KeyProtection
import dev.latchkey.KeyStore
import dev.latchkey.KeyStoreException
import dev.latchkey.LogLevel
import dev.latchkey.LogRecord
import dev.latchkey.LogSink
import dev.latchkey.Progress
import dev.latchkey.ProgressListener
import dev.latchkey.Signer
import dev.latchkey.UnlockPath
import dev.latchkey.installLogSink
import java.math.BigInteger
import java.security.KeyPairGenerator
import java.security.SecureRandom
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.withContext
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Wraps the data key with AES-GCM under a key the "platform" holds. */
class JvmKeyStore(private val kek: SecretKey = newKek()) : KeyStore {
    @Volatile var deleted = false

    override fun wrapDataKey(dataKey: ByteArray): ByteArray {
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, kek, GCMParameterSpec(128, iv))
        return iv + cipher.doFinal(dataKey)
    }

    override fun unwrapDataKey(wrapped: ByteArray): ByteArray {
        if (wrapped.size < 12 + 16) throw KeyStoreException.InvalidInput("too short")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, kek, GCMParameterSpec(128, wrapped, 0, 12))
        try {
            return cipher.doFinal(wrapped, 12, wrapped.size - 12)
        } catch (e: AEADBadTagException) {
            throw KeyStoreException.WrongKey()
        }
    }

    override fun protection() = KeyProtection.PLATFORM

    override fun deleteKey() {
        deleted = true
    }

    companion object {
        fun newKek(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    }
}

/** An EC P-256 key signing with SHA256withECDSA (DER), as Android Keystore does. */
class JvmSigner : Signer {
    private val pair = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }
        .generateKeyPair()
    val signatures = AtomicInteger()
    val signThreads: MutableSet<String> = java.util.concurrent.ConcurrentHashMap.newKeySet()
    @Volatile var deleted = false

    override fun protection() = KeyProtection.PLATFORM

    override fun deleteKey() {
        deleted = true
    }

    override fun publicKey(): ByteArray {
        val w = (pair.public as ECPublicKey).w
        return byteArrayOf(4) + fixed32(w.affineX) + fixed32(w.affineY)
    }

    override fun sign(message: ByteArray): ByteArray {
        signatures.incrementAndGet()
        signThreads += Thread.currentThread().name
        return Signature.getInstance("SHA256withECDSA").run {
            initSign(pair.private)
            update(message)
            sign()
        }
    }

    private fun fixed32(v: BigInteger): ByteArray {
        val bytes = v.toByteArray().dropWhile { it == 0.toByte() }.toByteArray()
        return ByteArray(32 - bytes.size) + bytes
    }
}

/** Keeps every line. */
class RecordingSink : LogSink {
    val records = CopyOnWriteArrayList<LogRecord>()

    override fun log(record: LogRecord) {
        records += record
    }
}

class PlatformServicesTest : TestSuite() {
    init {
        test("a Kotlin key store and signer carry the whole story") {
            val keyStore = JvmKeyStore()
            val signer = JvmSigner()
            scene(Services(keyStore = keyStore, signer = signer)).use { s ->
                assertTrue(s.client.keys().holderPublicKey().contentEquals(signer.publicKey()))
                val first = s.client.locks().unlock(s.lockId, null)
                assertEquals(UnlockPath.AUTH, first.path)
                assertTrue(signer.signatures.get() >= 1, "AUTH was signed by the Kotlin signer")
                s.client.close()

                // Reopened with the same platform key: everything is there.
                s.client = buildClient(s.world, s.dir, Services(keyStore = keyStore, signer = signer))
                assertEquals(1, s.client.keys().list().size)
                s.client.close()

                // Another platform key can't open the store, and nothing is changed.
                val e = assertFailsWith<ClientException.KeyStoreWrongKey> {
                    buildClient(s.world, s.dir, Services(keyStore = JvmKeyStore(), signer = signer))
                }
                assertTrue(e.reason.isNotEmpty())
                s.client = buildClient(s.world, s.dir, Services(keyStore = keyStore, signer = signer))
                assertEquals(1, s.client.keys().list().size)
            }
        }

        test("the signer and the progress listener never run on the caller's thread") {
            val signer = JvmSigner()
            val listenerThreads: MutableSet<String> = java.util.concurrent.ConcurrentHashMap.newKeySet()
            val steps = java.util.concurrent.CopyOnWriteArrayList<Progress>()
            val listener = object : ProgressListener {
                override fun onProgress(progress: Progress) {
                    listenerThreads += Thread.currentThread().name
                    steps += progress
                }
            }
            // The app's main thread, as if unlock were called from the UI.
            val main = Executors.newSingleThreadExecutor { r -> Thread(r, "app-main") }
            scene(Services(signer = signer)).use { s ->
                val report = withContext(main.asCoroutineDispatcher()) {
                    s.client.locks().unlock(s.lockId, listener)
                }
                assertEquals(UnlockPath.AUTH, report.path)
                assertTrue(signer.signThreads.isNotEmpty(), "AUTH was signed")
                assertTrue("app-main" !in signer.signThreads, "signed on ${signer.signThreads}")
                assertTrue(listenerThreads.isNotEmpty() && "app-main" !in listenerThreads, "$listenerThreads")
                // Every step arrived, in order, before the call returned.
                assertTrue(steps.first() is Progress.Scanning, "$steps")
                assertTrue(steps.any { it is Progress.Done }, "$steps")
            }
            main.shutdown()
        }

        test("a key store that is unavailable leaves the store untouched") {
            val keyStore = JvmKeyStore()
            scene(Services(keyStore = keyStore)).use { s ->
                s.client.close()
                val locked = object : KeyStore {
                    override fun wrapDataKey(dataKey: ByteArray) = throw KeyStoreException.Unavailable("device locked")
                    override fun unwrapDataKey(wrapped: ByteArray) = throw KeyStoreException.Unavailable("device locked")
                    override fun protection() = KeyProtection.STRONG_BOX
                    override fun deleteKey() {}
                }
                val e = assertFailsWith<ClientException.KeyStoreUnavailable> {
                    buildClient(s.world, s.dir, Services(keyStore = locked))
                }
                assertTrue(e.reason.contains("device locked"), e.reason)
                s.client = buildClient(s.world, s.dir, Services(keyStore = keyStore))
                assertEquals(1, s.client.keys().list().size)
            }
        }

        test("the log sink receives the library's lines") {
            val sink = RecordingSink()
            installLogSink(sink, LogLevel.DEBUG)
            scene().use { s ->
                s.client.locks().unlock(s.lockId, null)
            }
            val commands = sink.records.filter { it.target == "latchkey::command" }
            assertTrue(commands.any { it.level == LogLevel.INFO && it.message.contains("ok via auth") }, "$commands")
            assertTrue(commands.any { it.level == LogLevel.DEBUG && it.message.contains("Scanning") })
            assertTrue(sink.records.none { !it.target.startsWith("latchkey") && it.level > LogLevel.WARN })
            installLogSink(RecordingSink(), LogLevel.WARN)
        }
    }
}
