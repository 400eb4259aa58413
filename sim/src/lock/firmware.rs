//! The running firmware and the download of the next one. The download
//! lives in flash: it survives a dropped connection, a closed app and a
//! power loss, and only a newer manifest or a factory reset drops it. The
//! old firmware keeps running until the whole image is checked.

use latchkey_protocol::{DownloadState, FirmwareManifest, FirmwareVersion, PublicKey, ResultCode, FIRMWARE_CHUNK_MAX};

/// An image being received.
#[derive(Debug, Clone)]
struct Download {
    manifest: FirmwareManifest,
    bytes: Vec<u8>,
}

/// Where a download stands: bytes held and the image's size.
pub(crate) type Progress = (u32, u32);

#[derive(Debug)]
pub(crate) struct FirmwareState {
    pub(crate) running: FirmwareVersion,
    pub(crate) model: u16,
    /// The vendor's key, from the factory (`None`: the lock takes no image).
    vendor: Option<PublicKey>,
    download: Option<Download>,
}

impl FirmwareState {
    pub(crate) fn new(running: FirmwareVersion, model: u16, vendor: Option<PublicKey>) -> Self {
        Self {
            running,
            model,
            vendor,
            download: None,
        }
    }

    /// The download held, for `Info` and the advertisement.
    pub(crate) fn download(&self) -> Option<DownloadState> {
        self.download.as_ref().map(|d| DownloadState {
            version: d.manifest.version,
            offset: d.bytes.len() as u32,
            size: d.manifest.size,
        })
    }

    /// Checks `manifest` and starts its download, or resumes the one held
    /// for the same manifest. Any other download is dropped.
    pub(crate) fn begin(&mut self, manifest: FirmwareManifest) -> Result<Progress, ResultCode> {
        let vendor = self.vendor.ok_or(ResultCode::FirmwareInvalid)?;
        manifest.check_for(&vendor, self.model, self.running)?;
        match &self.download {
            Some(d) if d.manifest == manifest => {}
            _ => {
                self.download = Some(Download {
                    manifest,
                    bytes: Vec::new(),
                })
            }
        }
        Ok(self.progress())
    }

    fn progress(&self) -> Progress {
        self.download
            .as_ref()
            .map_or((0, 0), |d| (d.bytes.len() as u32, d.manifest.size))
    }

    /// Appends a chunk written at exactly the offset held.
    pub(crate) fn chunk(&mut self, offset: u32, data: &[u8]) -> Result<Progress, (ResultCode, Progress)> {
        let held = self.progress();
        let Some(d) = self.download.as_mut() else {
            return Err((ResultCode::FirmwareOffset, held));
        };
        let fits = data.len() <= FIRMWARE_CHUNK_MAX && held.0 as usize + data.len() <= d.manifest.size as usize;
        if offset != held.0 || data.is_empty() || !fits {
            return Err((ResultCode::FirmwareOffset, held));
        }
        d.bytes.extend_from_slice(data);
        Ok(self.progress())
    }

    /// Takes a complete download whose bytes hash to its manifest; any
    /// other download is dropped (`firmware_invalid`) and the running
    /// firmware stays. Returns the manifest and the image to boot.
    pub(crate) fn take_verified(&mut self) -> Result<(FirmwareManifest, Vec<u8>), (ResultCode, FirmwareVersion)> {
        let Some(d) = self.download.take() else {
            return Err((ResultCode::FirmwareInvalid, FirmwareVersion(0)));
        };
        let offered = d.manifest.version;
        if d.bytes.len() < d.manifest.size as usize {
            // Not finished: keep it, the phone carries on.
            self.download = Some(d);
            return Err((ResultCode::FirmwareOffset, offered));
        }
        if !d.manifest.matches(&d.bytes) {
            return Err((ResultCode::FirmwareInvalid, offered));
        }
        if d.manifest.version <= self.running {
            return Err((ResultCode::FirmwareDowngrade, offered));
        }
        Ok((d.manifest, d.bytes))
    }

    /// A factory reset drops any download.
    pub(crate) fn drop_download(&mut self) {
        self.download = None;
    }
}
