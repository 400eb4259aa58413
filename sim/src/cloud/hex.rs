//! Hex (de)serialisation for fixed-size protocol values in the API's JSON.

use latchkey_protocol::{Challenge, KeyId, LockId, PublicKey};
use serde::{Deserialize, Deserializer, Serializer};

/// A value carried as hex of a fixed number of bytes.
pub(crate) trait HexValue: Sized {
    fn bytes(&self) -> Vec<u8>;
    fn from_bytes(bytes: &[u8]) -> Option<Self>;
}

macro_rules! fixed {
    ($($t:ty),*) => {$(
        impl HexValue for $t {
            fn bytes(&self) -> Vec<u8> {
                self.0.to_vec()
            }
            fn from_bytes(bytes: &[u8]) -> Option<Self> {
                Some(Self(bytes.try_into().ok()?))
            }
        }
    )*};
}
fixed!(LockId, KeyId, PublicKey, Challenge);

pub(crate) fn serialize<T: HexValue, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&latchkey_protocol::hex::encode(&v.bytes()))
}

pub(crate) fn deserialize<'de, T: HexValue, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    latchkey_protocol::hex::decode(&s)
        .and_then(|b| T::from_bytes(&b))
        .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not hex of the expected length")))
}

/// A list of hex values.
pub(crate) mod list {
    use super::HexValue;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<T: HexValue, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| latchkey_protocol::hex::encode(&x.bytes())))
    }

    pub(crate) fn deserialize<'de, T: HexValue, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| {
                latchkey_protocol::hex::decode(s)
                    .and_then(|b| T::from_bytes(&b))
                    .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not hex of the expected length")))
            })
            .collect()
    }
}

/// `Option<Challenge>` as hex or null.
pub(crate) mod opt_challenge {
    use latchkey_protocol::Challenge;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &Option<Challenge>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(c) => s.serialize_some(&c.to_hex()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Challenge>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => Challenge::from_hex(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("nonce must be 16 hex digits")),
        }
    }
}
