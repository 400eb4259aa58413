// latchkey's Android library module: the generated UniFFI bindings
// (src/main/generated, written by scripts/gen-bindings), thin platform glue
// (src/main/kotlin) and the native library for each ABI (src/main/jniLibs,
// written by build-aar.sh with cargo-ndk).
//
// Include it from an app's settings.gradle.kts:
//   include(":latchkey"); project(":latchkey").projectDir = file("path/to/latchkey/android")
//
// A module inside the app's build: it declares no plugin versions (the
// app's pluginManagement, or its root build's `plugins { … apply false }`,
// decides them), no repositories (the app's dependencyResolutionManagement
// decides where dependencies come from; a project repository would even
// fail a build that sets FAIL_ON_PROJECT_REPOS) and nothing resolved from
// a URL while Gradle configures: every dependency below has a fixed
// version. What the app must declare is in docs/bindings.md ("Including
// the library in an app"). settings.gradle.kts is only for building this
// module on its own.
//
// src/jvmTest holds JVM tests that run against a host build with the
// test-only `sim` feature; scripts/test-kotlin runs them (Gradle does not),
// compiling src/main/kotlin against the Android API stubs in
// src/androidStub, which Gradle never sees.
// scripts/check-packaging checks this file by reading it.

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
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
}

// `compilerOptions`, not the `kotlinOptions` block: that one is deprecated
// since Kotlin 2.0 and an error in later releases, and the app's Kotlin
// version is the one that applies.
kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

// The translations live once, in the repository's locales/ folder (one ARB
// file per locale, checked by latchkey-core's tests): copied into the
// assets before every build. English is built into the library.
val latchkeyLocales by tasks.registering(Sync::class) {
    from(layout.projectDirectory.dir("../locales")) {
        include("*.arb")
        exclude("en.arb")
    }
    into(layout.buildDirectory.dir("generated/latchkey-locales/latchkey/locales"))
}
tasks.named("preBuild") { dependsOn(latchkeyLocales) }

dependencies {
    // The sync engine checks the cloud's certificate with Android's trust
    // store through rustls-platform-verifier, whose small Kotlin component
    // must be exactly the version of the rustls-platform-verifier-android
    // crate in Cargo.lock (scripts/check-packaging fails otherwise; update
    // both together). It is published in rustls-platform-verifier's own
    // Maven repository, which the app lists (docs/bindings.md).
    implementation("rustls:rustls-platform-verifier:0.2.0")
    // UniFFI's Kotlin bindings call the native library through JNA.
    implementation("net.java.dev.jna:jna:5.13.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
    implementation("androidx.core:core-ktx:1.13.1")
}
