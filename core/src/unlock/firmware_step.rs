//! Firmware in the session. A delivery comes last of the follow-on work
//! (an install restarts the lock): read the lock's info and status, then
//! begin or resume the download where the lock stands, send the chunks,
//! and install once the lock holds all of it. A session ends after 60 s:
//! the delivery stops there and the next connection goes on from the
//! lock's offset. A check (after an install) comes first, so it sees what
//! the new firmware kept before the session's other work repairs it.

// `pub` for the unlock benchmark (feature `bench`); crate-private otherwise.
#![cfg_attr(not(feature = "bench"), allow(unreachable_pub))]

use super::progress::{Progress, ProgressListener};
use super::session_call::{call, SessionContext};
use crate::transport::FrameLink;
use latchkey_protocol::{
    FirmwareManifest, FirmwareVersion, LockInfo, LockStatus, ResultCode, SessionCipher, SessionRequest,
    SessionResponse, FIRMWARE_CHUNK_MAX,
};
use std::sync::Arc;

/// What the phone carries for the lock's firmware.
#[derive(Debug, Clone)]
pub enum FirmwareStep {
    /// Read the lock's info and status first thing (after an update: what
    /// did the new firmware keep?).
    Check,
    /// Deliver this image (resuming where the lock stands) and install it.
    Deliver(Arc<(FirmwareManifest, Vec<u8>)>),
}

/// What the firmware step found and did.
#[derive(Debug, Clone, Default)]
pub struct FirmwareOutcome {
    /// The lock's info before anything was sent.
    pub info: Option<LockInfo>,
    /// Its status at the same moment.
    pub status: Option<LockStatus>,
    /// The version offered, for a delivery.
    pub offered: Option<FirmwareVersion>,
    /// Bytes the lock holds of the image, and its size.
    pub held: Option<(u32, u32)>,
    /// The lock installed this version (it restarts: the session is gone).
    pub installed: Option<FirmwareVersion>,
    /// The lock refused the image (`firmware_invalid`, `firmware_downgrade`,
    /// or a credential code).
    pub refused: Option<ResultCode>,
}

/// Runs the step; `out` keeps what was learned even when the session ends.
pub(super) async fn run(
    step: &FirmwareStep,
    link: &mut FrameLink,
    cipher: &mut SessionCipher,
    session: &SessionContext,
    listener: &dyn ProgressListener,
    out: &mut FirmwareOutcome,
) -> Result<(), String> {
    match call(link, cipher, SessionRequest::Info, session).await? {
        SessionResponse::Info(ResultCode::Ok, Some(info)) => out.info = Some(info),
        other => {
            out.refused = Some(other.code());
            return Ok(());
        }
    }
    match call(link, cipher, SessionRequest::Status, session).await? {
        SessionResponse::Status(ResultCode::Ok, Some(status)) => out.status = Some(status),
        other => return Err(format!("status request refused: {}", other.code())),
    }
    let FirmwareStep::Deliver(release) = step else {
        return Ok(());
    };
    let (manifest, image) = (&release.0, &release.1);
    out.offered = Some(manifest.version);
    // Already there (an earlier install whose answer was lost).
    if let Some(running) = out.info.as_ref().map(|i| i.firmware).filter(|v| *v >= manifest.version) {
        out.installed = Some(running);
        return Ok(());
    }
    listener.on_progress(Progress::Housekeeping {
        what: "delivering a firmware update",
    });
    let (mut offset, size) = match call(link, cipher, SessionRequest::FirmwareBegin(manifest.clone()), session).await? {
        SessionResponse::FirmwareBegun(ResultCode::Ok, offset, size) => (offset, size),
        other => {
            out.refused = Some(other.code());
            return Ok(());
        }
    };
    out.held = Some((offset, size));
    listener.on_progress(Progress::Transferring {
        sent: offset,
        total: size,
    });
    while offset < size {
        let end = (offset as usize + FIRMWARE_CHUNK_MAX).min(image.len());
        let data = image
            .get(offset as usize..end)
            .ok_or("the image is shorter than its manifest")?;
        let chunk = SessionRequest::FirmwareChunk {
            offset,
            data: data.to_vec(),
        };
        offset = match call(link, cipher, chunk, session).await? {
            SessionResponse::FirmwareChunk(ResultCode::Ok, held, _) => held,
            // Where the lock stands: carry on from there.
            SessionResponse::FirmwareChunk(ResultCode::FirmwareOffset, held, _) if held != offset => held,
            other => return Err(format!("firmware chunk refused: {}", other.code())),
        };
        out.held = Some((offset, size));
        listener.on_progress(Progress::Transferring {
            sent: offset,
            total: size,
        });
    }
    match call(link, cipher, SessionRequest::FirmwareInstall, session).await? {
        SessionResponse::FirmwareInstalled(ResultCode::Ok, version) => out.installed = Some(version),
        other => out.refused = Some(other.code()),
    }
    Ok(())
}
