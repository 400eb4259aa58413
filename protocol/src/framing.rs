//! Splitting frames into BLE packets and putting them back together.
//!
//! Each packet carries at most `MTU - 3` bytes (the ATT header takes 3):
//! one header byte, then data. Header: bit 7 = first packet of a frame,
//! bit 6 = last packet, bits 0–5 = packet index modulo 64. A frame that fits
//! one packet has both bits set, so a 38-byte fast unlock costs 39 bytes.
//! Reassembly enforces a hard size limit and a timeout, and rejects packets
//! out of order.

use crate::error::{ProtocolError, Result};

/// Hard limit on a reassembled frame.
pub const MAX_FRAME: usize = 1024;
/// Default time allowed between a frame's first and last packet.
pub const REASSEMBLY_TIMEOUT_MS: u64 = 2_000;
/// Smallest ATT MTU BLE allows.
pub const MIN_MTU: u16 = 23;

const FIRST: u8 = 0x80;
const LAST: u8 = 0x40;
/// The header bit of a frame's last packet.
pub const LAST_PACKET: u8 = LAST;
const INDEX_MASK: u8 = 0x3f;

/// Data bytes per packet at `mtu`.
pub fn data_per_packet(mtu: u16) -> usize {
    usize::from(mtu.max(MIN_MTU)) - 3 - 1
}

/// Number of packets `frame_len` bytes take at `mtu`.
pub fn packet_count(frame_len: usize, mtu: u16) -> usize {
    frame_len.div_ceil(data_per_packet(mtu)).max(1)
}

/// Splits a frame into packets for an ATT MTU of `mtu`.
pub fn fragment(frame: &[u8], mtu: u16) -> Result<Vec<Vec<u8>>> {
    if frame.len() > MAX_FRAME {
        return Err(ProtocolError::FrameTooLarge {
            size: frame.len(),
            limit: MAX_FRAME,
        });
    }
    if frame.is_empty() {
        return Ok(vec![vec![FIRST | LAST]]);
    }
    let chunks: Vec<&[u8]> = frame.chunks(data_per_packet(mtu)).collect();
    let last = chunks.len() - 1;
    Ok(chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut header = (i as u8) & INDEX_MASK;
            if i == 0 {
                header |= FIRST;
            }
            if i == last {
                header |= LAST;
            }
            let mut p = Vec::with_capacity(chunk.len() + 1);
            p.push(header);
            p.extend_from_slice(chunk);
            p
        })
        .collect())
}

/// Puts packets back into frames.
#[derive(Debug)]
pub struct Reassembler {
    limit: usize,
    timeout_ms: u64,
    buf: Vec<u8>,
    started_ms: u64,
    next_index: u8,
    in_progress: bool,
}

impl Default for Reassembler {
    fn default() -> Self {
        Self::new(MAX_FRAME, REASSEMBLY_TIMEOUT_MS)
    }
}

impl Reassembler {
    /// A reassembler with a size limit and a timeout.
    pub fn new(limit: usize, timeout_ms: u64) -> Self {
        Self {
            limit,
            timeout_ms,
            buf: Vec::new(),
            started_ms: 0,
            next_index: 0,
            in_progress: false,
        }
    }

    /// Drops any partial frame.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.in_progress = false;
        self.next_index = 0;
    }

    /// Whether a frame is partly received.
    pub fn in_progress(&self) -> bool {
        self.in_progress
    }

    /// Fails (and drops the partial frame) when the frame in progress has
    /// taken longer than the timeout. Call it while waiting for packets.
    pub fn check_timeout(&mut self, now_ms: u64) -> Result<()> {
        if self.in_progress && now_ms.saturating_sub(self.started_ms) > self.timeout_ms {
            let elapsed_ms = now_ms - self.started_ms;
            self.reset();
            return Err(ProtocolError::ReassemblyTimeout {
                elapsed_ms,
                limit_ms: self.timeout_ms,
            });
        }
        Ok(())
    }

    /// Takes one packet; returns a frame when its last packet arrives. Any
    /// error drops the partial frame. A first packet while a frame is in
    /// progress abandons that frame (the peer started over).
    pub fn push(&mut self, packet: &[u8], now_ms: u64) -> Result<Option<Vec<u8>>> {
        let Some((&header, data)) = packet.split_first() else {
            self.reset();
            return Err(ProtocolError::Truncated {
                what: "packet",
                field: "header",
                needed: 1,
                available: 0,
            });
        };
        let index = header & INDEX_MASK;
        if header & FIRST != 0 {
            self.reset();
            if index != 0 {
                return Err(ProtocolError::FragmentOutOfOrder {
                    expected: 0,
                    got: index,
                });
            }
            self.in_progress = true;
            self.started_ms = now_ms;
        } else {
            if !self.in_progress {
                return Err(ProtocolError::UnexpectedContinuation);
            }
            self.check_timeout(now_ms)?;
            if index != self.next_index {
                let expected = self.next_index;
                self.reset();
                return Err(ProtocolError::FragmentOutOfOrder { expected, got: index });
            }
        }
        if self.buf.len() + data.len() > self.limit {
            let size = self.buf.len() + data.len();
            self.reset();
            return Err(ProtocolError::FrameTooLarge {
                size,
                limit: self.limit,
            });
        }
        self.buf.extend_from_slice(data);
        self.next_index = (index + 1) & INDEX_MASK;
        if header & LAST != 0 {
            let frame = std::mem::take(&mut self.buf);
            self.reset();
            return Ok(Some(frame));
        }
        Ok(None)
    }
}
