// The reference platform keys' JCA code (android/.../JcaSigner.kt,
// JcaKeyStore.kt) on the JVM with the JDK's providers, the way Android
// Keystore runs it on a phone: thousands of signatures converted by the
// library and verified in Rust, a client built on both, custody reported.
package dev.latchkey.jvmtest

import dev.latchkey.ClientConfig
import dev.latchkey.ClientException
import dev.latchkey.LatchkeyClientBuilder
import dev.latchkey.KeyProtection
import dev.latchkey.UnlockPath
import dev.latchkey.android.JcaHolderKey
import dev.latchkey.android.JcaKeyStore
import dev.latchkey.android.JcaSigner
import dev.latchkey.android.JcaWrappingKey
import dev.latchkey.SimulatedWorld
import dev.latchkey.simulatedSignerCheck
import java.nio.file.Files
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.PrivateKey
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** A P-256 key pair made by the JDK's EC provider, as Android Keystore would hold one. */
class JdkHolderKey(private val provider: String = "SunEC") : JcaHolderKey {
    private var pair: KeyPair? = null

    @Synchronized
    private fun pair(): KeyPair = pair ?: KeyPairGenerator.getInstance("EC", provider)
        .apply { initialize(ECGenParameterSpec("secp256r1")) }
        .generateKeyPair()
        .also { pair = it }

    override fun privateKey(): PrivateKey = pair().private
    override fun publicKey(): ECPublicKey = pair().public as ECPublicKey
    override val protection = KeyProtection.PLATFORM

    @Synchronized
    override fun delete() {
        pair = null
    }
}

/** An AES-256 key made by the JDK, as Android Keystore would hold one. */
class JdkWrappingKey : JcaWrappingKey {
    private var key: SecretKey? = null

    @Synchronized
    override fun secretKey(): SecretKey =
        key ?: KeyGenerator.getInstance("AES").apply { init(256) }.generateKey().also { key = it }

    override val protection = KeyProtection.PLATFORM

    @Synchronized
    override fun delete() {
        key = null
    }
}

class PlatformKeysTest : TestSuite() {
    init {
        test("4000 JCA signatures are converted to r ‖ s by the library and verify in Rust") {
            val signer = JcaSigner(JdkHolderKey(), provider = "SunEC")
            val check = simulatedSignerCheck(signer, 4000u)
            assertEquals(4000u, check.signatures)
            assertEquals(emptyList(), check.failures)
            assertEquals(4000u, check.verified)
            assertEquals(4000u, check.derEncoded, "SHA256withECDSA returns DER")
            // Half of all scalars have their high bit set (a zero byte in
            // front); about one in 256 is below 2^248 (shorter than 32 bytes).
            assertTrue(check.paddedScalars > 3000u, "${check.paddedScalars} padded")
            assertTrue(check.shortScalars > 0u, "${check.shortScalars} short")
        }

        test("a client on the JCA key store and signer unlocks, reopens, and reports their custody") {
            val keyStore = JcaKeyStore(JdkWrappingKey())
            val signer = JcaSigner(JdkHolderKey())
            scene(Services(keyStore = keyStore, signer = signer)).use { s ->
                assertTrue(s.client.keys().holderPublicKey().contentEquals(signer.publicKey()))
                assertEquals(UnlockPath.AUTH, s.client.locks().unlock(s.lockId, null).path)
                val custody = s.client.keyCustody()
                assertEquals(KeyProtection.PLATFORM, custody.keyStore)
                assertEquals(KeyProtection.PLATFORM, custody.signer)
                assertEquals(false, custody.usesSoftwareKeys)
                s.client.close()

                s.client = buildClient(s.world, s.dir, Services(keyStore = keyStore, signer = signer))
                assertEquals(1, s.client.keys().list().size)
                s.client.close()

                assertFailsWith<ClientException.KeyStoreWrongKey> {
                    buildClient(s.world, s.dir, Services(keyStore = JcaKeyStore(JdkWrappingKey()), signer = signer))
                }
                s.client = buildClient(s.world, s.dir, Services(keyStore = keyStore, signer = signer))
            }
        }

        test("an app's build without a key store and signer fails unless it allows software keys") {
            // A real central and no simulated world: what an app's build looks like.
            val world = SimulatedWorld()
            val dir = Files.createTempDirectory("latchkey-keys")
            val builder = { name: String ->
                LatchkeyClientBuilder(ClientConfig(dataDir = dir.resolve(name).toString()))
                    .bleCentral(SimulatedBleCentral(world))
            }
            val missing = assertFailsWith<ClientException.InvalidConfig> { builder("phone").build() }
            assertTrue(missing.reason.contains("key store and signer"), missing.reason)
            assertFailsWith<ClientException.InvalidConfig> {
                builder("phone").keyStore(JcaKeyStore(JdkWrappingKey())).build()
            }
            val desktop = builder("desktop").allowSoftwareKeys().build()
            assertEquals(KeyProtection.SOFTWARE, desktop.keyCustody().signer)
            desktop.close()
            val phone = builder("phone").keyStore(JcaKeyStore(JdkWrappingKey())).signer(JcaSigner(JdkHolderKey())).build()
            assertEquals(false, phone.keyCustody().usesSoftwareKeys)
            phone.close()
            world.close()
            dir.toFile().deleteRecursively()
        }

        test("the software fallbacks of a test build are reported as software") {
            scene().use { s ->
                val custody = s.client.keyCustody()
                assertEquals(KeyProtection.SOFTWARE, custody.keyStore)
                assertEquals(KeyProtection.SOFTWARE, custody.signer)
                assertTrue(custody.usesSoftwareKeys)
            }
        }
    }
}
