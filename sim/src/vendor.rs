//! The lock maker: the P-256 key whose public half every reference lock
//! holds from the factory, and the firmware images it releases.
//!
//! A reference image starts with a small header the reference lock reads
//! when it boots the image: `LKFW` ‖ model (2) ‖ version (4) ‖ what this
//! firmware does not keep of the old one's state
//! ([`FirmwareLosses`], 2). Real firmware migrates (or fails to migrate)
//! in its own code; the header is how the model carries that behaviour,
//! inside the signed bytes.

use latchkey_protocol::{FirmwareLosses, FirmwareManifest, FirmwareVersion, Result, SigningKey};

/// The reference lock's model number.
pub const REFERENCE_MODEL: u16 = 1;
/// The firmware a reference lock leaves the factory with.
pub const FACTORY_FIRMWARE: FirmwareVersion = FirmwareVersion(0x0100_0000);
/// Size of the reference images (18 chunks of 896 bytes and a bit).
pub const REFERENCE_IMAGE_BYTES: usize = 16 * 1024;
const MAGIC: &[u8; 4] = b"LKFW";

/// One released image and its signed manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmwareRelease {
    /// What the vendor signed.
    pub manifest: FirmwareManifest,
    /// The image itself.
    pub image: Vec<u8>,
}

/// The lock maker's firmware key.
#[derive(Debug)]
pub struct FirmwareVendor {
    key: SigningKey,
}

impl FirmwareVendor {
    /// A vendor with a fresh key.
    pub fn generate() -> Result<Self> {
        Ok(Self {
            key: SigningKey::generate()?,
        })
    }

    /// A vendor whose key was stored as PKCS#8.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self> {
        Ok(Self {
            key: SigningKey::from_pkcs8(pkcs8)?,
        })
    }

    /// The key as PKCS#8, to store it (secret).
    pub fn pkcs8(&self) -> &[u8] {
        self.key.pkcs8()
    }

    /// The key locks hold from the factory.
    pub fn public_key(&self) -> latchkey_protocol::PublicKey {
        self.key.public_key()
    }

    /// Releases a reference image of `version` for `model` that does not
    /// keep `losses` of the old firmware's state.
    pub fn release(
        &self,
        model: u16,
        version: FirmwareVersion,
        losses: FirmwareLosses,
        released_at: u32,
    ) -> Result<FirmwareRelease> {
        let mut image = Vec::with_capacity(REFERENCE_IMAGE_BYTES);
        image.extend_from_slice(MAGIC);
        image.extend_from_slice(&model.to_be_bytes());
        image.extend_from_slice(&version.0.to_be_bytes());
        image.extend_from_slice(&losses.0.to_be_bytes());
        // The body: bytes that differ from version to version.
        let mut x = version.0 ^ 0x9e37_79b9;
        while image.len() < REFERENCE_IMAGE_BYTES {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            image.push(x as u8);
        }
        let manifest = FirmwareManifest::sign(&self.key, model, version, &image, released_at)?;
        Ok(FirmwareRelease { manifest, image })
    }
}

/// What a verified image will not keep, read from its header (an image
/// without the reference header keeps everything).
pub(crate) fn losses_of(image: &[u8]) -> FirmwareLosses {
    match image {
        [m0, m1, m2, m3, _, _, _, _, _, _, hi, lo, ..] if [*m0, *m1, *m2, *m3] == *MAGIC => {
            FirmwareLosses(u16::from_be_bytes([*hi, *lo]))
        }
        _ => FirmwareLosses::default(),
    }
}
