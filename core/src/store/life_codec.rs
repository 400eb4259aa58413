//! The compact binary form of [`LockLife`] and [`StoredImage`] inside the
//! sealed records (a lock's state holds the life as hex of it; an image
//! record is hex of it). Decoding never panics: anything malformed is an
//! error the store reports as a corrupt record.
//!
//! `LockLife`: version (1) ‖ presence bits (1) ‖ each present part in
//! order: firmware (version 4, model 2, download present 1 [version 4,
//! held 4, size 4], needs lists 1, observed at 4); last update (from 4, to
//! 4, at 4, count 1, then item/kept/repaired bytes); refused image
//! (version 4, result code 1, at 4); claimed elsewhere at (4); setup
//! secret (16). `StoredImage`: manifest (111) ‖ known losses (2) ‖ added
//! at (4) ‖ image.

use super::codec::HexBytes;
use super::life::{
    FirmwareRecord, FirmwareRejection, KeptCheck, KeptItem, LockLife, StoredImage, StoredSetupSecret, UpdateReport,
};
use latchkey_protocol::{FirmwareManifest, ResultCode};

const VERSION: u8 = 1;

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = (self.0.get(..N)?, self.0.get(N..)?);
        self.0 = rest;
        head.try_into().ok()
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_be_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_be_bytes)
    }
    fn flag(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

impl HexBytes for LockLife {
    fn to_bytes(&self) -> Vec<u8> {
        let present = [
            self.firmware.is_some(),
            self.last_update.is_some(),
            self.firmware_rejected.is_some(),
            self.claimed_elsewhere_at.is_some(),
            self.setup_secret.is_some(),
        ];
        let bits = present
            .iter()
            .enumerate()
            .fold(0u8, |acc, (i, p)| acc | u8::from(*p) << i);
        let mut out = vec![VERSION, bits];
        if let Some(f) = &self.firmware {
            put32(&mut out, f.version);
            out.extend_from_slice(&f.model.to_be_bytes());
            out.push(u8::from(f.download.is_some()));
            if let Some((version, held, size)) = f.download {
                [version, held, size].into_iter().for_each(|v| put32(&mut out, v));
            }
            out.push(u8::from(f.needs_lists));
            put32(&mut out, f.observed_at);
        }
        if let Some(u) = &self.last_update {
            [u.from, u.to, u.at].into_iter().for_each(|v| put32(&mut out, v));
            out.push(u.checks.len().min(255) as u8);
            for c in u.checks.iter().take(255) {
                let item = KeptItem::ALL.iter().position(|i| *i == c.item).unwrap_or(0) as u8;
                out.extend_from_slice(&[item, u8::from(c.kept), u8::from(c.repaired)]);
            }
        }
        if let Some(r) = &self.firmware_rejected {
            put32(&mut out, r.version);
            out.push(r.code as u8);
            put32(&mut out, r.at);
        }
        if let Some(at) = self.claimed_elsewhere_at {
            put32(&mut out, at);
        }
        if let Some(secret) = &self.setup_secret {
            out.extend_from_slice(&secret.0);
        }
        out
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        decode_life(&mut Bytes(bytes)).ok_or_else(|| "the lock's life record is damaged".to_string())
    }
}

fn decode_life(r: &mut Bytes<'_>) -> Option<LockLife> {
    if r.u8()? != VERSION {
        return None;
    }
    let bits = r.u8()?;
    let has = |i: u8| bits & 1 << i != 0;
    let mut life = LockLife::default();
    if has(0) {
        let (version, model) = (r.u32()?, r.u16()?);
        let download = match r.flag()? {
            true => Some((r.u32()?, r.u32()?, r.u32()?)),
            false => None,
        };
        life.firmware = Some(FirmwareRecord {
            version,
            model,
            download,
            needs_lists: r.flag()?,
            observed_at: r.u32()?,
        });
    }
    if has(1) {
        let (from, to, at) = (r.u32()?, r.u32()?, r.u32()?);
        let mut checks = Vec::new();
        for _ in 0..r.u8()? {
            checks.push(KeptCheck {
                item: *KeptItem::ALL.get(usize::from(r.u8()?))?,
                kept: r.flag()?,
                repaired: r.flag()?,
            });
        }
        life.last_update = Some(UpdateReport { from, to, at, checks });
    }
    if has(2) {
        life.firmware_rejected = Some(FirmwareRejection {
            version: r.u32()?,
            code: ResultCode::from_u8(r.u8()?)?,
            at: r.u32()?,
        });
    }
    if has(3) {
        life.claimed_elsewhere_at = Some(r.u32()?);
    }
    if has(4) {
        life.setup_secret = Some(StoredSetupSecret(r.take()?));
    }
    (bits >> 5 == 0 && r.0.is_empty()).then_some(life)
}

impl StoredImage {
    pub(super) fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.manifest.encode();
        out.extend_from_slice(&self.known_losses.to_be_bytes());
        put32(&mut out, self.added_at);
        out.extend_from_slice(&self.image);
        out
    }

    pub(super) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let manifest = FirmwareManifest::decode(bytes.get(..FirmwareManifest::LEN)?).ok()?;
        let mut r = Bytes(bytes.get(FirmwareManifest::LEN..)?);
        let (known_losses, added_at) = (r.u16()?, r.u32()?);
        Some(Self {
            manifest,
            image: r.0.to_vec(),
            known_losses,
            added_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_life_round_trips_and_damage_is_an_error() {
        let life = LockLife {
            firmware: Some(FirmwareRecord {
                version: 0x0101_0000,
                model: 1,
                download: Some((0x0102_0000, 896, 16_384)),
                needs_lists: true,
                observed_at: 7,
            }),
            last_update: Some(UpdateReport {
                from: 1,
                to: 2,
                at: 3,
                checks: vec![KeptCheck {
                    item: KeptItem::PinList,
                    kept: false,
                    repaired: true,
                }],
            }),
            firmware_rejected: Some(FirmwareRejection {
                version: 9,
                code: ResultCode::FirmwareInvalid,
                at: 4,
            }),
            claimed_elsewhere_at: Some(5),
            setup_secret: Some(StoredSetupSecret([6; 16])),
        };
        let bytes = life.to_bytes();
        assert_eq!(LockLife::from_bytes(&bytes), Ok(life));
        assert_eq!(
            LockLife::from_bytes(&LockLife::default().to_bytes()),
            Ok(LockLife::default())
        );
        for cut in 0..bytes.len() {
            assert!(LockLife::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(LockLife::from_bytes(&longer).is_err());
    }
}
