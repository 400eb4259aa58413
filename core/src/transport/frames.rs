//! Frames over packets: fragmentation to the link's MTU on the way out,
//! size-limited reassembly with a timeout on the way in.

use super::{Link, TransportError};
use latchkey_protocol::framing::{fragment, Reassembler, MAX_FRAME, REASSEMBLY_TIMEOUT_MS};
use std::time::Duration;

/// A [`Link`] that sends and receives whole protocol frames, and counts
/// what crossed it (for progress reports and benchmarks).
pub struct FrameLink {
    link: Box<dyn Link>,
    reassembler: Reassembler,
    /// Frames written.
    pub frames_up: u32,
    /// Frames received.
    pub frames_down: u32,
    /// Frame bytes written (payload, without packet headers).
    pub bytes_up: usize,
    /// Frame bytes received.
    pub bytes_down: usize,
    /// Packets written.
    pub packets_up: u32,
    /// Packets received.
    pub packets_down: u32,
}

impl FrameLink {
    /// Wraps a connected link.
    pub fn new(link: Box<dyn Link>) -> Self {
        Self {
            link,
            reassembler: Reassembler::new(MAX_FRAME, REASSEMBLY_TIMEOUT_MS),
            frames_up: 0,
            frames_down: 0,
            bytes_up: 0,
            bytes_down: 0,
            packets_up: 0,
            packets_down: 0,
        }
    }

    /// The transport's clock.
    pub fn now_ms(&self) -> u64 {
        self.link.now_ms()
    }

    /// Sends one frame as packets.
    pub async fn send(&mut self, frame: &[u8]) -> Result<(), TransportError> {
        let packets = fragment(frame, self.link.mtu()).map_err(|e| TransportError::Other(e.to_string()))?;
        for p in packets {
            self.link.write(&p).await?;
            self.packets_up += 1;
        }
        self.frames_up += 1;
        self.bytes_up += frame.len();
        Ok(())
    }

    /// Receives one whole frame within `timeout`.
    pub async fn recv(&mut self, timeout: Duration) -> Result<Vec<u8>, TransportError> {
        let started = self.link.now_ms();
        loop {
            let spent = Duration::from_millis(self.link.now_ms().saturating_sub(started));
            let left = timeout.checked_sub(spent).ok_or(TransportError::Timeout(timeout))?;
            let packet = self.link.next_notification(left).await?;
            self.packets_down += 1;
            match self.reassembler.push(&packet, self.link.now_ms()) {
                Ok(Some(frame)) => {
                    self.frames_down += 1;
                    self.bytes_down += frame.len();
                    return Ok(frame);
                }
                Ok(None) => continue,
                // A broken frame from the lock: its next frame starts over.
                Err(e) => return Err(TransportError::Other(format!("bad frame from lock: {e}"))),
            }
        }
    }

    /// Sends a frame and waits for the answer.
    pub async fn exchange(&mut self, frame: &[u8], timeout: Duration) -> Result<Vec<u8>, TransportError> {
        self.send(frame).await?;
        self.recv(timeout).await
    }

    /// Closes the connection.
    pub async fn close(&mut self) {
        self.link.disconnect().await;
    }
}
