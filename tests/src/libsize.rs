//! `latchkey-bench libsize`: how big the shipped library is. Builds the
//! release profile of latchkey-ffi (default features: what apps ship) and
//! prints the stripped sizes of the cdylib (what an Android app carries per
//! ABI) and of the staticlib (what the iOS XCFramework wraps; the app's
//! linker later drops what it does not use).
//!
//! The release profile already strips the cdylib; the staticlib is copied
//! and stripped of debug sections (`strip -S`), which keeps it linkable.

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
}

/// Entry point of the subcommand; `--json` prints only the JSON line.
pub fn main(args: &[String]) -> i32 {
    let json = args.iter().any(|a| a == "--json");
    match measure() {
        Ok(sizes) if json => {
            println!("{}", sizes.json());
            0
        }
        Ok(sizes) => {
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

/// Builds the release library and measures it.
pub fn measure() -> Result<LibSizes, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("no workspace directory")?
        .to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Cargo's progress goes to stderr, so stdout stays the JSON line.
    let status = Command::new(cargo)
        .args(["build", "-p", "latchkey-ffi", "--release", "--locked"])
        .current_dir(&workspace)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("can't run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    let release = target_dir(&workspace).join("release");
    let (cdylib, staticlib) = artifact_names();
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

fn artifact_names() -> (&'static str, &'static str) {
    if cfg!(target_os = "macos") {
        ("liblatchkey_ffi.dylib", "liblatchkey_ffi.a")
    } else if cfg!(windows) {
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
/// cargo built it).
fn stripped_size(path: &Path, scratch: &Path) -> Result<u64, String> {
    let copy = scratch.join(path.file_name().ok_or("no file name")?);
    std::fs::copy(path, &copy).map_err(|e| format!("copying {}: {e}", path.display()))?;
    let stripped = Command::new("strip")
        .arg("-S")
        .arg(&copy)
        .status()
        .map_err(|e| format!("can't run strip (binutils): {e}"))?;
    if !stripped.success() {
        return Err(format!("strip -S {} failed ({stripped})", copy.display()));
    }
    size(&copy)
}
