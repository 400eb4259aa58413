#!/usr/bin/env bash
# Builds the Android library (AAR): the native library for arm64-v8a,
# armeabi-v7a and x86_64 with cargo-ndk, then the module with Gradle.
#
# Needs (none of which the CI machine has, so CI does not run this):
#   - the Android NDK (r26 or newer), with ANDROID_NDK_HOME set;
#   - cargo-ndk:        cargo install cargo-ndk
#   - the Rust targets: rustup target add aarch64-linux-android \
#                         armv7-linux-androideabi x86_64-linux-android
#   - Gradle 8.9+ and the Android SDK (ANDROID_HOME), compileSdk 35.
#
# Release profile: opt-level "z", LTO, one codegen unit, stripped; never
# panic = "abort" (panics must reach Kotlin as exceptions).
#
# Usage: android/build-aar.sh [--debug]
# Output: android/build/outputs/aar/latchkey-release.aar, and beside it what
# ships with it (docs/bindings.md, Licenses and SBOM): LICENSE,
# THIRD_PARTY_NOTICES.md and latchkey-ffi-android.cdx.json.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=--release
gradle_task=assembleRelease
if [[ ${1:-} == --debug ]]; then
  profile=
  gradle_task=assembleDebug
fi

: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK}"
command -v cargo-ndk >/dev/null || { echo "cargo-ndk missing: cargo install cargo-ndk" >&2; exit 1; }

# The bindings, notices and SBOM must match the library being packaged.
scripts/gen-bindings --check
scripts/gen-notices --check
scripts/gen-sbom --check

# API 26 matches the module's minSdk.
cargo ndk --platform 26 \
  -t arm64-v8a -t armeabi-v7a -t x86_64 \
  -o android/src/main/jniLibs \
  build -p latchkey-ffi --locked $profile

gradle -p android "$gradle_task"
cp LICENSE bindings/THIRD_PARTY_NOTICES.md bindings/sbom/latchkey-ffi-android.cdx.json \
  android/build/outputs/aar/
ls -l android/build/outputs/aar/
