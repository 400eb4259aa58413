//! Test builds: a platform signer checked the way a client uses it, many
//! times over. Each signature goes through the conversion a client's
//! signer bridge makes (the platform's DER to the fixed 64-byte `r ‖ s`)
//! and is verified
//! in Rust against the signer's public key, so the one-in-a-hundred DER
//! cases (a scalar with its high bit set, padded with a zero byte; a
//! scalar below 2^248, shorter than 32 bytes) are met by the thousand.

use super::{invalid, SimulationError};
use crate::platform::keys::{der_scalars, signature_from_platform, Signer};
use crate::platform::ForeignSigner;
use latchkey_core::platform_keys::Signer as CoreSigner;
use latchkey_protocol::crypto::random_array;
use latchkey_protocol::{SigDomain, Signature};
use std::sync::Arc;

/// What [`simulated_signer_check`] saw.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignerCheck {
    /// Signatures made.
    pub signatures: u32,
    /// Of which verified in Rust after conversion.
    pub verified: u32,
    /// Of which the signer returned as DER.
    pub der_encoded: u32,
    /// DER scalars (r or s) padded with a zero byte (high bit set).
    pub padded_scalars: u32,
    /// DER scalars shorter than 32 bytes.
    pub short_scalars: u32,
    /// The first few failures, one sentence each.
    pub failures: Vec<String>,
}

/// Signs `count` random messages with `signer`, converts each signature
/// as the client's signer bridge does and verifies it in Rust against the
/// public key the bridge read (test builds only).
#[uniffi::export]
pub fn simulated_signer_check(signer: Box<dyn Signer>, count: u32) -> Result<SignerCheck, SimulationError> {
    let signer: Arc<dyn Signer> = Arc::from(signer);
    let bridge = ForeignSigner::new(signer.clone()).map_err(invalid)?;
    let public = bridge.public_key();
    let mut check = SignerCheck {
        signatures: 0,
        verified: 0,
        der_encoded: 0,
        padded_scalars: 0,
        short_scalars: 0,
        failures: Vec::new(),
    };
    for _ in 0..count {
        let body: [u8; 32] = random_array().map_err(invalid)?;
        // The message as the protocol signs it (domain-separated).
        let message = SigDomain::Auth.message(&body);
        check.signatures += 1;
        // The platform's own bytes, to count the DER cases...
        let platform = signer.sign(message.clone()).map_err(invalid)?;
        if let Some((r, s)) = der_scalars(&platform) {
            check.der_encoded += 1;
            for scalar in [r, s] {
                check.padded_scalars += u32::from(scalar.len() == 33);
                check.short_scalars += u32::from(scalar.len() < 32);
            }
        }
        // ...converted as the bridge a client signs with converts them.
        let verified = signature_from_platform(&platform)
            .map(Signature)
            .ok_or_else(|| format!("{} bytes are neither r ‖ s nor DER", platform.len()))
            .and_then(|sig| public.verify(SigDomain::Auth, &body, &sig).map_err(|e| e.to_string()));
        match verified {
            Ok(()) => check.verified += 1,
            Err(e) if check.failures.len() < 5 => check.failures.push(e),
            Err(_) => {}
        }
    }
    Ok(check)
}
