//! Random bytes from the system's secure generator, for identifiers, salts
//! and nonces (re-exported as `crypto::random_array`).

use crate::error::{ProtocolError, Result};
use ring::rand::{SecureRandom, SystemRandom};

/// `N` bytes from the system's secure generator.
pub fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| ProtocolError::Crypto("system random generator failed"))?;
    Ok(out)
}
