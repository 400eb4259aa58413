// swift-tools-version:5.9
// latchkey for iOS: the generated UniFFI bindings, thin CoreBluetooth glue
// and the shipped translations (Sources/Latchkey) over the Rust library,
// shipped as an XCFramework
// (LatchkeyFFI.xcframework, built by build-xcframework.sh; not committed).
//
// The story tests in Tests/LatchkeyStoryTests need the library's test-only
// `sim` feature, so they are not a target here: scripts/test-swift builds
// that variant and runs them.
import PackageDescription

let package = Package(
    name: "Latchkey",
    // iOS only: build-xcframework.sh builds device and simulator slices for
    // iOS and none for macOS (scripts/check-packaging compares the two).
    platforms: [.iOS(.v15)],
    products: [
        .library(name: "Latchkey", targets: ["Latchkey"]),
    ],
    targets: [
        .binaryTarget(name: "LatchkeyFFI", path: "LatchkeyFFI.xcframework"),
        .target(
            name: "Latchkey",
            dependencies: ["LatchkeyFFI"],
            path: "Sources/Latchkey",
            // The shipped translations (LatchkeyLocales), generated from
            // locales/*.arb by scripts/gen-bindings.
            resources: [.copy("Resources/locales")],
            linkerSettings: [
                // The cloud's certificate is checked by the platform's trust
                // store (rustls-platform-verifier over Security.framework).
                .linkedFramework("Security"),
                .linkedFramework("SystemConfiguration"),
                .linkedFramework("CoreBluetooth"),
            ]
        ),
    ]
)
