//! `latchkey-bench libsize`: how big the shipped library is. Builds the
//! release profile of latchkey-ffi (default features: what apps ship) and
//! prints the stripped sizes of the cdylib (what an Android app carries per
//! ABI) and of the staticlib (what the iOS XCFramework wraps; the app's
//! linker later drops what it does not use).
//!
//! The release profile already strips the cdylib; the staticlib is copied
//! and stripped of debug sections (`strip -S`), which keeps it linkable.
//!
//! `--target T` builds and measures for a Rust target triple instead of
//! this host, e.g. `aarch64-linux-android`. Cargo then needs a C compiler
//! and a linker for T (the NDK's; or what `scripts/check-mobile-targets
//! --sizes`, which runs this, sets up: clang, lld and stub system
//! libraries), and `strip` must read T's objects: `$STRIP` names the one
//! to use (the script sets `llvm-strip`; binutils' can't read every object
//! of an aarch64 archive). The JSON then names the target.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The measured sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LibSizes {
    /// The stripped shared library.
    pub cdylib_bytes: u64,
    /// The static archive, debug sections stripped.
    pub staticlib_bytes: u64,
}

impl LibSizes {
    /// `{"cdylib_bytes":B,"staticlib_bytes":S}`.
    pub fn json(&self) -> String {
        format!(
            "{{\"cdylib_bytes\":{},\"staticlib_bytes\":{}}}",
            self.cdylib_bytes, self.staticlib_bytes
        )
    }

    /// [`json`](Self::json), led by `"target":T` when measured for a
    /// target other than the host's.
    pub fn json_for(&self, target: Option<&str>) -> String {
        match target {
            Some(t) => format!(
                "{{\"target\":\"{t}\",\"cdylib_bytes\":{},\"staticlib_bytes\":{}}}",
                self.cdylib_bytes, self.staticlib_bytes
            ),
            None => self.json(),
        }
    }
}

/// Entry point of the subcommand; `--json` prints only the JSON line,
/// `--target T` measures T's build instead of the host's.
pub fn main(args: &[String]) -> i32 {
    let json = args.iter().any(|a| a == "--json");
    let target = match args.iter().position(|a| a == "--target") {
        Some(at) => match args.get(at + 1) {
            Some(t) if !t.starts_with('-') => Some(t.as_str()),
            _ => {
                eprintln!("latchkey-bench libsize: --target needs a target triple");
                return 2;
            }
        },
        None => None,
    };
    match measure_for(target) {
        Ok(sizes) if json => {
            println!("{}", sizes.json_for(target));
            0
        }
        Ok(sizes) => {
            if let Some(t) = target {
                println!("target    {t}");
            }
            let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
            println!(
                "cdylib    {:>12} bytes ({:.2} MiB)",
                sizes.cdylib_bytes,
                mib(sizes.cdylib_bytes)
            );
            println!(
                "staticlib {:>12} bytes ({:.2} MiB)",
                sizes.staticlib_bytes,
                mib(sizes.staticlib_bytes)
            );
            0
        }
        Err(e) => {
            eprintln!("latchkey-bench libsize: {e}");
            1
        }
    }
}

/// Builds the release library for this host and measures it.
pub fn measure() -> Result<LibSizes, String> {
    measure_for(None)
}

/// Builds the release library for `target` (a Rust target triple; `None`:
/// this host) and measures it.
pub fn measure_for(target: Option<&str>) -> Result<LibSizes, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("no workspace directory")?
        .to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build.args(["build", "-p", "latchkey-ffi", "--release", "--locked"]);
    if let Some(t) = target {
        build.args(["--target", t]);
    }
    // Cargo's progress goes to stderr, so stdout stays the JSON line.
    let status = build
        .current_dir(&workspace)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("can't run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    let mut release = target_dir(&workspace);
    if let Some(t) = target {
        release.push(t);
    }
    release.push("release");
    let (cdylib, staticlib) = artifact_names(target);
    let scratch = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    Ok(LibSizes {
        cdylib_bytes: size(&release.join(cdylib))?,
        staticlib_bytes: stripped_size(&release.join(staticlib), scratch.path())?,
    })
}

fn target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|d| if d.is_absolute() { d } else { workspace.join(d) })
        .unwrap_or_else(|| workspace.join("target"))
}

/// The cdylib's and staticlib's file names on `target` (`None`: this host).
fn artifact_names(target: Option<&str>) -> (&'static str, &'static str) {
    let (apple, windows) = match target {
        Some(t) => (t.contains("-apple-"), t.contains("-windows")),
        None => (cfg!(target_vendor = "apple"), cfg!(windows)),
    };
    if apple {
        ("liblatchkey_ffi.dylib", "liblatchkey_ffi.a")
    } else if windows {
        ("latchkey_ffi.dll", "latchkey_ffi.lib")
    } else {
        ("liblatchkey_ffi.so", "liblatchkey_ffi.a")
    }
}

fn size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The size of a copy of `path` after `strip -S` (the original is left as
/// cargo built it). `$STRIP` names another strip, e.g. `llvm-strip` for a
/// target whose objects binutils can't read.
fn stripped_size(path: &Path, scratch: &Path) -> Result<u64, String> {
    let copy = scratch.join(path.file_name().ok_or("no file name")?);
    std::fs::copy(path, &copy).map_err(|e| format!("copying {}: {e}", path.display()))?;
    let strip = std::env::var("STRIP").unwrap_or_else(|_| "strip".into());
    let stripped = Command::new(&strip)
        .arg("-S")
        .arg(&copy)
        .output()
        .map_err(|e| format!("can't run {strip}: {e}"))?;
    // binutils' strip leaves a whole archive as it was, and still exits 0,
    // when it can't read one member (compiler-rt's objects in an aarch64
    // Android staticlib).
    let stderr = String::from_utf8_lossy(&stripped.stderr);
    if !stripped.status.success() || stderr.contains("Unable to recognise") {
        return Err(format!(
            "{strip} -S {} failed ({}): {}; set STRIP to a strip that reads the target's objects (llvm-strip)",
            copy.display(),
            stripped.status,
            stderr.lines().next().unwrap_or("")
        ));
    }
    size(&copy)
}
