//! Single-byte mutations of valid encodings, for property tests.

#![allow(unreachable_pub)] // shared by several test binaries, each using a part
use proptest::prelude::*;

/// One change to a byte string. Positions are taken modulo the length, so
/// every generated mutation applies to every input.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Flip one bit.
    Flip { at: usize, bit: u8 },
    /// Overwrite one byte.
    Replace { at: usize, byte: u8 },
    /// Insert one byte (at any position, including the end).
    Insert { at: usize, byte: u8 },
    /// Delete one byte.
    Delete { at: usize },
    /// Cut the input short.
    Truncate { len: usize },
}

impl Mutation {
    /// The mutated copy of `bytes`.
    pub fn apply(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let n = bytes.len();
        match *self {
            Mutation::Flip { at, bit } if n > 0 => out[at % n] ^= 1 << (bit % 8),
            Mutation::Replace { at, byte } if n > 0 => out[at % n] = byte,
            Mutation::Insert { at, byte } => out.insert(at % (n + 1), byte),
            Mutation::Delete { at } if n > 0 => {
                out.remove(at % n);
            }
            Mutation::Truncate { len } if n > 0 => out.truncate(len % n),
            _ => {}
        }
        out
    }
}

/// Any single-byte mutation.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..8u8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Replace { at, byte }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Delete { at }),
        any::<usize>().prop_map(|len| Mutation::Truncate { len }),
    ]
}

/// Random input for a decoder: empty up to just past the 1 KiB frame limit.
pub fn random_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..1100)
}
