// A minimal test runner for the JVM tests: no JUnit or Gradle needed, only
// kotlinc, the coroutines jar and JNA. Runs every registered test in order,
// prints one line per test and the summary line scripts/test adds up.
package dev.latchkey.jvmtest

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.system.exitProcess

/** One named test; the body runs inside `runBlocking`. */
class TestCase(val name: String, val body: suspend () -> Unit)

/** Collects tests in declaration order. */
open class TestSuite {
    val tests = mutableListOf<TestCase>()

    fun test(name: String, body: suspend () -> Unit) {
        tests += TestCase(name, body)
    }
}

/** Runs the suites; `args[0]`, if given, keeps only tests whose name contains it. */
fun main(args: Array<String>) {
    val filter = args.firstOrNull()
    val suites = listOf(
        ClientStoryTest(), FailureTest(), PlatformServicesTest(), DiagnosticsTest(), CloudStoryTest(),
        TroubleshootingTest(), PinsAndSheetTest(), GattBleCentralTest(), GattScanTest(), LocalesTest(),
        SubscriptionsTest(), PlatformKeysTest(), SignOutAndUnlatchTest(), FirmwareTest(), SetupTest(),
        QuickAccessTest(),
    )
    var passed = 0
    var failed = 0
    for (case in suites.flatMap { it.tests }) {
        if (filter != null && !case.name.contains(filter)) continue
        val started = System.nanoTime()
        try {
            runBlocking { withTimeout(60_000) { case.body() } }
            passed++
            println("PASS ${case.name} (${(System.nanoTime() - started) / 1_000_000} ms)")
        } catch (e: Throwable) {
            failed++
            println("FAIL ${case.name}: $e")
            e.printStackTrace(System.out)
        }
    }
    println("Kotlin: $passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
