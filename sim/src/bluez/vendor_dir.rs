//! `latchkey-sim peripheral --firmware-vendor DIR`: the lock maker as a
//! folder. Its firmware key (`vendor.pk8`, PKCS#8; made when missing, so
//! every lock started with the same folder trusts the same maker) goes
//! into the lock at the factory, and the maker's next image for the
//! reference model, [`NEXT_FIRMWARE`], is written beside it as the
//! vendor publishes it (`firmware-1.1.0.manifest`, `firmware-1.1.0.image`):
//! what `latchkey firmware update --manifest FILE --image FILE` carries.

use crate::vendor::{FirmwareVendor, REFERENCE_MODEL};
use latchkey_protocol::{FirmwareLosses, FirmwareVersion, PublicKey};
use std::path::{Path, PathBuf};

/// The version the folder's maker releases next.
pub const NEXT_FIRMWARE: FirmwareVersion = FirmwareVersion(0x0101_0000);

/// The maker's key as locks hold it, and the files of its next image.
pub(super) struct VendorDir {
    pub(super) key: PublicKey,
    pub(super) manifest: PathBuf,
    pub(super) image: PathBuf,
}

/// Reads (or makes) the maker in `dir` and writes its next image there.
pub(super) fn open(dir: &Path, now: u32) -> Result<VendorDir, String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("firmware vendor {}: {what}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(|e| fail("creating the folder", &e))?;
    let key_file = dir.join("vendor.pk8");
    let vendor = match std::fs::read(&key_file) {
        Ok(pkcs8) => FirmwareVendor::from_pkcs8(&pkcs8).map_err(|e| fail("vendor.pk8", &e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let vendor = FirmwareVendor::generate().map_err(|e| fail("making a key", &e))?;
            std::fs::write(&key_file, vendor.pkcs8()).map_err(|e| fail("writing vendor.pk8", &e))?;
            vendor
        }
        Err(e) => return Err(fail("reading vendor.pk8", &e)),
    };
    let release = vendor
        .release(REFERENCE_MODEL, NEXT_FIRMWARE, FirmwareLosses::default(), now)
        .map_err(|e| fail("releasing an image", &e))?;
    let manifest = dir.join(format!("firmware-{NEXT_FIRMWARE}.manifest"));
    let image = dir.join(format!("firmware-{NEXT_FIRMWARE}.image"));
    std::fs::write(&manifest, release.manifest.encode()).map_err(|e| fail("writing the manifest", &e))?;
    std::fs::write(&image, &release.image).map_err(|e| fail("writing the image", &e))?;
    Ok(VendorDir {
        key: vendor.public_key(),
        manifest,
        image,
    })
}
