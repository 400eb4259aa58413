//! What a BLE link (the radio model, or the BlueZ GATT server) needs from
//! the device at the far end. `SimLock` implements it.

use latchkey_protocol::Advertisement;

/// A BLE peripheral speaking the latchkey GATT service: packets in on RX,
/// frames out on TX (the link fragments them to its MTU).
pub trait Peripheral: Send {
    /// The advertisement payload right now (rotates its challenge).
    fn advertisement(&mut self) -> Advertisement;
    /// A central connected with this ATT MTU.
    fn on_connect(&mut self, mtu: u16);
    /// The central went away; any session and partial frame are dropped.
    fn on_disconnect(&mut self);
    /// One packet written to RX. Returns a complete response frame when the
    /// packet completed a request (or broke the framing: then an ERROR frame).
    fn on_packet(&mut self, packet: &[u8]) -> Option<Vec<u8>>;
    /// Called as time passes with no packet: returns an ERROR frame when a
    /// partial frame timed out.
    fn on_tick(&mut self) -> Option<Vec<u8>>;
    /// Asymmetric operations (ECDSA sign/verify, ECDH) performed so far, so
    /// the link can charge their CPU time and benchmarks can count them.
    fn asym_ops(&self) -> u64;
}
