//! Link options for the Android library.
//!
//! Android's loader reads packed relocations (APS2, API 23 and later; the
//! module's minSdk is 26). A position-independent Rust library holds about
//! 16,000 relative relocations (vtables, string slices in statics), 24 bytes
//! each unpacked: packing saves about 0.35 MiB per ABI (docs/benchmarks.md).
//! Other targets link as usual.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("android") {
        println!("cargo:rustc-link-arg-cdylib=-Wl,--pack-dyn-relocs=android");
    }
}
