//! Bounds-checked byte reading and writing.
//!
//! All decoders go through [`Reader`], which turns every short read into a
//! [`ProtocolError::Truncated`] instead of a panic, and whose `finish` rejects
//! trailing bytes.

use crate::error::{ProtocolError, Result};

/// A cursor over untrusted input.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// `what` names the message being decoded, for error messages.
    pub(crate) fn new(what: &'static str, buf: &'a [u8]) -> Self {
        Self { buf, pos: 0, what }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn bytes(&mut self, n: usize, field: &'static str) -> Result<&'a [u8]> {
        if self.remaining() < n {
            return Err(ProtocolError::Truncated {
                what: self.what,
                field,
                needed: n,
                available: self.remaining(),
            });
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub(crate) fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N, field)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8> {
        Ok(self.array::<1>(field)?[0])
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn i16(&mut self, field: &'static str) -> Result<i16> {
        Ok(i16::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.pos..];
        self.pos = self.buf.len();
        out
    }

    /// Checks the format version byte.
    pub(crate) fn version(&mut self, supported: u8) -> Result<()> {
        let version = self.u8("version")?;
        if version != supported {
            return Err(ProtocolError::UnsupportedVersion {
                what: self.what,
                version,
                supported,
            });
        }
        Ok(())
    }

    /// Ends decoding; fails if bytes are left over.
    pub(crate) fn finish(self) -> Result<()> {
        match self.remaining() {
            0 => Ok(()),
            extra => Err(ProtocolError::TrailingBytes { what: self.what, extra }),
        }
    }

    pub(crate) fn invalid(&self, field: &'static str, reason: &'static str) -> ProtocolError {
        ProtocolError::InvalidField {
            what: self.what,
            field,
            reason,
        }
    }
}

/// Big-endian writing helpers for `Vec<u8>`.
pub(crate) trait Writer {
    fn put_u8(&mut self, v: u8);
    fn put_u16(&mut self, v: u16);
    fn put_i16(&mut self, v: i16);
    fn put_u32(&mut self, v: u32);
    fn put(&mut self, v: &[u8]);
}

impl Writer for Vec<u8> {
    fn put_u8(&mut self, v: u8) {
        self.push(v);
    }
    fn put_u16(&mut self, v: u16) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn put_i16(&mut self, v: i16) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn put_u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn put(&mut self, v: &[u8]) {
        self.extend_from_slice(v);
    }
}
