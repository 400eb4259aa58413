//! Fixed-size identifiers used on the wire.

use crate::error::Result;
use crate::random::random_array;
use std::fmt;

macro_rules! fixed_id {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// Length on the wire, in bytes.
            pub const LEN: usize = $len;

            /// A fresh random value from the system's secure generator.
            pub fn random() -> Result<Self> {
                Ok(Self(random_array()?))
            }

            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// Lower-case hex, as used in logs, JSON and file names.
            pub fn to_hex(&self) -> String {
                crate::hex::encode(&self.0)
            }

            /// Parses lower- or upper-case hex of exactly the right length.
            pub fn from_hex(s: &str) -> Option<Self> {
                let bytes = crate::hex::decode(s)?;
                Some(Self(bytes.try_into().ok()?))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
    };
}

fixed_id!(
    /// A lock's (or a lock group's) identity, assigned at commissioning.
    LockId,
    16
);
fixed_id!(
    /// A digital key's identity; revocation lists name keys by it.
    KeyId,
    8
);
fixed_id!(
    /// Names one command so that a retried command is answered from the
    /// lock's stored outcome instead of actuating twice.
    CommandId,
    8
);
fixed_id!(
    /// The lock's rotating freshness value, read from its advertisement.
    Challenge,
    8
);
fixed_id!(
    /// First 4 bytes of SHA-256 of the issuer's public key: lets the lock
    /// tell "unknown issuer" apart from "forged certificate".
    IssuerId,
    4
);
fixed_id!(
    /// Truncated SHA-256 of a certificate's encoding; a lock that already
    /// verified the certificate accepts this reference instead of the bytes.
    CertHash,
    16
);

impl LockId {
    /// The first 4 bytes, carried in advertisements.
    pub fn short(&self) -> [u8; 4] {
        [self.0[0], self.0[1], self.0[2], self.0[3]]
    }
}
