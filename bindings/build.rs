//! Link options for the Android library.
//!
//! Android's loader reads packed relocations (APS2, API 23 and later; the
//! module's minSdk is 26). The position-independent library holds about
//! 5,900 relative relocations (vtables, string slices in statics), 24 bytes
//! each unpacked: packing saves about 0.13 MiB per ABI (docs/benchmarks.md).
//!
//! The NDK (r26+, android/build-aar.sh) links with lld, so the library also
//! gets identical code folding: `--icf=all` merges functions with the same
//! machine code (28,352 bytes on the x86_64 build). Only code is folded:
//! without address-significance tables lld keeps every data section unique,
//! so statics keep their own addresses; Rust promises nothing about function
//! addresses being distinct. Other targets link as usual (the host's or
//! Apple's linker may not be lld).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("android") {
        println!("cargo:rustc-link-arg-cdylib=-Wl,--pack-dyn-relocs=android");
        println!("cargo:rustc-link-arg-cdylib=-Wl,--icf=all");
    }
}
