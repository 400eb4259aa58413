#!/usr/bin/env bash
# Builds ios/LatchkeyFFI.xcframework: the Rust static library for iOS
# devices (aarch64-apple-ios), the Apple-silicon simulator
# (aarch64-apple-ios-sim) and the Intel simulator (x86_64-apple-ios), the
# two simulator slices merged with lipo, each with the generated C header
# and module map (ios/Headers). Package.swift's binaryTarget points at it.
#
# Needs a Mac with Xcode (xcodebuild, lipo) and the Rust targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
# Not run in CI (no Apple toolchain there).
#
# Release profile: opt-level "z", LTO, one codegen unit, stripped; never
# panic = "abort" (panics must reach Swift as errors).
#
# Beside it, in ios/, go the files that ship with it (docs/bindings.md,
# Licenses and SBOM): LICENSE, THIRD_PARTY_NOTICES.md and
# latchkey-ffi-ios.cdx.json. They describe the release build, so a sim
# build removes them instead.
#
# Usage: ios/build-xcframework.sh [--features sim]   (sim: a test build)
set -euo pipefail
cd "$(dirname "$0")/.."

features=()
if [[ ${1:-} == --features ]]; then
  features=(--features "$2")
fi

# The committed bindings, notices and SBOM must match the library being
# packaged (a sim build needs its own bindings: scripts/gen-bindings
# --features sim --out DIR).
if [[ ${#features[@]} -eq 0 ]]; then
  scripts/gen-bindings --check
  scripts/gen-notices --check
  scripts/gen-sbom --check
fi

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
for target in "${targets[@]}"; do
  cargo build -p latchkey-ffi --locked --release --target "$target" "${features[@]}"
done

out=ios/build
rm -rf "$out" ios/LatchkeyFFI.xcframework
mkdir -p "$out/sim" "$out/headers"
cp ios/Headers/LatchkeyFFI.h ios/Headers/module.modulemap "$out/headers/"
lipo -create \
  target/aarch64-apple-ios-sim/release/liblatchkey_ffi.a \
  target/x86_64-apple-ios/release/liblatchkey_ffi.a \
  -output "$out/sim/liblatchkey_ffi.a"

xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/liblatchkey_ffi.a -headers "$out/headers" \
  -library "$out/sim/liblatchkey_ffi.a" -headers "$out/headers" \
  -output ios/LatchkeyFFI.xcframework
shipped=(ios/LICENSE ios/THIRD_PARTY_NOTICES.md ios/latchkey-ffi-ios.cdx.json)
rm -f "${shipped[@]}"
if [[ ${#features[@]} -eq 0 ]]; then
  cp LICENSE bindings/THIRD_PARTY_NOTICES.md bindings/sbom/latchkey-ffi-ios.cdx.json ios/
fi
echo "built ios/LatchkeyFFI.xcframework"
