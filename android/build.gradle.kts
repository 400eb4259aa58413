// latchkey's Android library module: the generated UniFFI bindings
// (src/main/generated, written by scripts/gen-bindings), thin platform glue
// (src/main/kotlin) and the native library for each ABI (src/main/jniLibs,
// written by build-aar.sh with cargo-ndk).
//
// Include it from an app's settings.gradle.kts:
//   include(":latchkey"); project(":latchkey").projectDir = file("path/to/latchkey/android")
//
// src/jvmTest holds JVM tests that run against a host build with the
// test-only `sim` feature; scripts/test-kotlin runs them (Gradle does not).
import org.gradle.api.provider.ValueSource
import org.gradle.api.provider.ValueSourceParameters
import org.gradle.api.file.RegularFileProperty

plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

android {
    namespace = "dev.latchkey"
    compileSdk = 35

    defaultConfig {
        // BluetoothGatt write-without-response and MTU negotiation as used
        // by the glue work from API 26; the Android 12 permission model is
        // handled at run time.
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        java.srcDirs("src/main/kotlin", "src/main/generated")
        jniLibs.srcDirs("src/main/jniLibs")
        // The shipped translations, as assets/latchkey/locales/<locale>.arb
        // (copied by latchkeyLocales below; LatchkeyAndroid.loadLocale reads them).
        assets.srcDir(layout.buildDirectory.dir("generated/latchkey-locales"))
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    kotlinOptions {
        jvmTarget = "17"
    }
}

// The translations live once, in the repository's locales/ folder (one ARB
// file per locale, checked by latchkey-core's tests): copy them into the
// assets before every build. English is built into the library.
val latchkeyLocales by tasks.registering(Sync::class) {
    from(layout.projectDirectory.dir("../locales")) {
        include("*.arb")
        exclude("en.arb")
    }
    into(layout.buildDirectory.dir("generated/latchkey-locales/latchkey/locales"))
}
tasks.named("preBuild") { dependsOn(latchkeyLocales) }

// The sync engine checks the cloud's certificate with Android's trust store
// through rustls-platform-verifier, whose small Kotlin component must match
// the crate's version in Cargo.lock exactly (see LatchkeyAndroid.init).
repositories {
    maven {
        url = uri("https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/")
    }
}

abstract class RustlsVerifierVersion : ValueSource<String, RustlsVerifierVersion.Params> {
    interface Params : ValueSourceParameters {
        val lockFile: RegularFileProperty
    }

    override fun obtain(): String {
        val lines = parameters.lockFile.get().asFile.readLines()
        val at = lines.indexOfFirst { it.trim() == "name = \"rustls-platform-verifier-android\"" }
        if (at < 0) throw GradleException("rustls-platform-verifier-android is not in Cargo.lock")
        return lines.drop(at + 1).firstOrNull { it.trimStart().startsWith("version = ") }
            ?.substringAfter('"')?.substringBefore('"')
            ?: throw GradleException("rustls-platform-verifier-android is not in Cargo.lock")
    }
}

val rustlsVerifierVersion = providers.of(RustlsVerifierVersion::class) {
    parameters.lockFile.set(layout.projectDirectory.file("../Cargo.lock"))
}

configurations.configureEach {
    resolutionStrategy.eachDependency {
        if (requested.group == "rustls" && requested.name == "rustls-platform-verifier") {
            useVersion(rustlsVerifierVersion.get())
            because("the Kotlin component must match the crate's version")
        }
    }
}

dependencies {
    implementation("rustls:rustls-platform-verifier:latest.release")
    // UniFFI's Kotlin bindings call the native library through JNA.
    implementation("net.java.dev.jna:jna:5.13.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
    implementation("androidx.core:core-ktx:1.13.1")
}
