//! Firmware: the vendor-signed manifest an image travels with, and what a
//! lock tells about itself before and after an update ([`LockInfo`]).
//!
//! Manifest (111 bytes): version (1) ‖ model (2) ‖ firmware version (4) ‖
//! image size (4) ‖ image SHA-256 (32) ‖ released at (4) ‖ vendor
//! signature (64). The lock holds the vendor's key from the factory; an
//! issuer can't sign firmware.

use crate::codec::{Reader, Writer};
use crate::crypto::{sha256, PublicKey, SigDomain, Signature, SigningKey};
use crate::error::{ProtocolError, Result};
use crate::result_code::ResultCode;

const VERSION: u8 = 1;

/// Largest image a lock takes (its download flash).
pub const FIRMWARE_MAX_BYTES: u32 = 1 << 20;
/// Largest chunk in one session frame (922 bytes sealed).
pub const FIRMWARE_CHUNK_MAX: usize = 896;

/// A firmware version: major (8 bits) ‖ minor (8) ‖ patch (16). Compared
/// as a number: only a higher one installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FirmwareVersion(pub u32);

impl FirmwareVersion {
    /// From its three parts.
    pub fn new(major: u8, minor: u8, patch: u16) -> Self {
        Self(u32::from(major) << 24 | u32::from(minor) << 16 | u32::from(patch))
    }
}

impl std::fmt::Display for FirmwareVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0 >> 24, (self.0 >> 16) & 0xff, self.0 & 0xffff)
    }
}

/// What the vendor signs for one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmwareManifest {
    /// The lock model the image is for.
    pub model: u16,
    /// The image's version.
    pub version: FirmwareVersion,
    /// The image's size in bytes.
    pub size: u32,
    /// SHA-256 of the image.
    pub image_hash: [u8; 32],
    /// When the vendor released it (unix seconds).
    pub released_at: u32,
    /// Vendor signature over everything before it.
    pub signature: Signature,
}

impl FirmwareManifest {
    /// Length on the wire.
    pub const LEN: usize = 111;

    /// Signs a manifest for `image` (vendor side).
    pub fn sign(
        vendor: &SigningKey,
        model: u16,
        version: FirmwareVersion,
        image: &[u8],
        released_at: u32,
    ) -> Result<Self> {
        let size = u32::try_from(image.len())
            .ok()
            .filter(|s| *s <= FIRMWARE_MAX_BYTES)
            .ok_or(ProtocolError::InvalidField {
                what: "firmware manifest",
                field: "size",
                reason: "images are at most 1 MiB",
            })?;
        let mut m = Self {
            model,
            version,
            size,
            image_hash: sha256(&[image]),
            released_at,
            signature: Signature([0; 64]),
        };
        m.signature = vendor.sign(SigDomain::Firmware, &m.body())?;
        Ok(m)
    }

    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.put_u8(VERSION);
        out.put_u16(self.model);
        out.put_u32(self.version.0);
        out.put_u32(self.size);
        out.put(&self.image_hash);
        out.put_u32(self.released_at);
        out
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.body();
        out.put(&self.signature.0);
        out
    }

    /// Decodes a manifest (no trailing bytes). Does not verify.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("firmware manifest", bytes);
        r.version(VERSION)?;
        let model = r.u16("model")?;
        let version = FirmwareVersion(r.u32("firmware_version")?);
        let size = r.u32("size")?;
        if size == 0 || size > FIRMWARE_MAX_BYTES {
            return Err(r.invalid("size", "an image is 1 byte to 1 MiB"));
        }
        let m = Self {
            model,
            version,
            size,
            image_hash: r.array("image_hash")?,
            released_at: r.u32("released_at")?,
            signature: Signature(r.array("signature")?),
        };
        r.finish()?;
        Ok(m)
    }

    /// The lock's decision on a manifest: the vendor's signature, this
    /// model, and a version above the running one.
    pub fn check_for(&self, vendor: &PublicKey, model: u16, running: FirmwareVersion) -> Result<(), ResultCode> {
        if self.model != model {
            return Err(ResultCode::FirmwareInvalid);
        }
        vendor
            .verify(SigDomain::Firmware, &self.body(), &self.signature)
            .map_err(|_| ResultCode::FirmwareInvalid)?;
        if self.version <= running {
            return Err(ResultCode::FirmwareDowngrade);
        }
        Ok(())
    }

    /// Whether `image` is exactly the image this manifest names.
    pub fn matches(&self, image: &[u8]) -> bool {
        image.len() as u64 == u64::from(self.size) && sha256(&[image]) == self.image_hash
    }
}

/// What an installed firmware did not keep of the lock's state: the
/// `firmware_installed` event's detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FirmwareLosses(pub u16);

impl FirmwareLosses {
    /// The keypad PIN list.
    pub const PIN_LIST: u16 = 1 << 0;
    /// Cached certificates and fast keys (every phone runs AUTH again).
    pub const CERTIFICATES: u16 = 1 << 1;
    /// The clock's trust (it needs a time token).
    pub const CLOCK_TRUST: u16 = 1 << 2;

    /// Whether `what` was lost.
    pub fn has(self, what: u16) -> bool {
        self.0 & what != 0
    }

    const NAMES: [&'static str; 3] = ["pin_list", "certificates", "clock_trust"];

    /// Names of what was lost, for logs and JSON.
    pub fn names(self) -> Vec<&'static str> {
        (0..Self::NAMES.len())
            .filter(|i| self.has(1 << i))
            .map(|i| Self::NAMES[i])
            .collect()
    }

    /// Reads names back; the first unknown name is the error.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        names.iter().try_fold(Self(0), |acc, name| {
            let name = name.as_ref();
            match Self::NAMES.iter().position(|n| *n == name) {
                Some(i) => Ok(Self(acc.0 | 1 << i)),
                None => Err(format!("`{name}` is not pin_list, certificates or clock_trust")),
            }
        })
    }
}

/// A download the lock holds and has not installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadState {
    /// The version being downloaded.
    pub version: FirmwareVersion,
    /// Bytes held.
    pub offset: u32,
    /// The image's size.
    pub size: u32,
}

/// The lock's life facts, answered to the session's `Info` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockInfo {
    /// Running firmware.
    pub firmware: FirmwareVersion,
    /// Lock model.
    pub model: u16,
    /// The bolt's travel was calibrated.
    pub calibrated: bool,
    /// A firmware update dropped a list a phone should bring back.
    pub needs_lists: bool,
    /// Seq of the installed PIN list (0: none).
    pub pin_seq: u32,
    /// Certificates in the lock's cache.
    pub certificates_cached: u8,
    /// Fast keys the lock holds.
    pub fast_keys: u8,
    /// A download not yet installed.
    pub download: Option<DownloadState>,
    /// The name given when it was claimed (≤ 32 bytes of UTF-8).
    pub name: String,
}

impl LockInfo {
    /// Longest name, in bytes.
    pub const MAX_NAME: usize = 32;

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.put_u32(self.firmware.0);
        out.put_u16(self.model);
        out.put_u8(u8::from(self.calibrated) | u8::from(self.needs_lists) << 1);
        out.put_u32(self.pin_seq);
        out.put_u8(self.certificates_cached);
        out.put_u8(self.fast_keys);
        let d = self.download.unwrap_or(DownloadState {
            version: FirmwareVersion(0),
            offset: 0,
            size: 0,
        });
        out.put_u32(d.version.0);
        out.put_u32(d.offset);
        out.put_u32(d.size);
        write_name(out, &self.name);
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let firmware = FirmwareVersion(r.u32("firmware")?);
        let model = r.u16("model")?;
        let flags = r.u8("flags")?;
        if flags >> 2 != 0 {
            return Err(r.invalid("flags", "only bits 0 and 1 may be set"));
        }
        let pin_seq = r.u32("pin_seq")?;
        let certificates_cached = r.u8("certificates_cached")?;
        let fast_keys = r.u8("fast_keys")?;
        let version = FirmwareVersion(r.u32("download_version")?);
        let offset = r.u32("download_offset")?;
        let size = r.u32("download_size")?;
        let download = match version.0 {
            0 if offset == 0 && size == 0 => None,
            0 => return Err(r.invalid("download_version", "zero with a download")),
            _ if offset > size || size > FIRMWARE_MAX_BYTES => {
                return Err(r.invalid("download_offset", "past the image's size"))
            }
            _ => Some(DownloadState { version, offset, size }),
        };
        Ok(Self {
            firmware,
            model,
            calibrated: flags & 1 != 0,
            needs_lists: flags & 2 != 0,
            pin_seq,
            certificates_cached,
            fast_keys,
            download,
            name: read_name(r)?,
        })
    }
}

/// A short name: length (1, ≤ 32) ‖ UTF-8.
pub(crate) fn write_name(out: &mut Vec<u8>, name: &str) {
    let mut end = name.len().min(LockInfo::MAX_NAME);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let bytes = &name.as_bytes()[..end];
    out.put_u8(bytes.len() as u8);
    out.put(bytes);
}

pub(crate) fn read_name(r: &mut Reader<'_>) -> Result<String> {
    let len = usize::from(r.u8("name_length")?);
    if len > LockInfo::MAX_NAME {
        return Err(r.invalid("name_length", "more than 32 bytes"));
    }
    let bytes = r.bytes(len, "name")?;
    String::from_utf8(bytes.to_vec()).map_err(|_| r.invalid("name", "not UTF-8"))
}
