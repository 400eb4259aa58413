//! How protocol types appear inside sealed records (and in JSON): as
//! lower-case hex of their wire encoding. Used through
//! `#[serde(with = "crate::store::codec::hex")]` and friends; decoding
//! validates with the protocol decoders, so a damaged record becomes a
//! clear error, never a panic.

use latchkey_protocol::{
    hex as hexstr, Advertisement, BoltState, ClaimReceipt, CompactStatus, DigitalKey, DoorState, FastKey, Faults,
    FirmwareManifest, KeyId, LockId, LockStatus, PublicKey, RevocationList, TimeToken,
};

/// A value with a byte encoding that round-trips.
pub(crate) trait HexBytes: Sized {
    fn to_bytes(&self) -> Vec<u8>;
    fn from_bytes(bytes: &[u8]) -> Result<Self, String>;
}

macro_rules! fixed {
    ($($t:ty),*) => {$(
        impl HexBytes for $t {
            fn to_bytes(&self) -> Vec<u8> {
                self.0.to_vec()
            }
            fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
                bytes.try_into().map(Self).map_err(|_| {
                    format!("{} must be {} bytes, got {}", stringify!($t), std::mem::size_of::<$t>(), bytes.len())
                })
            }
        }
    )*};
}
fixed!(LockId, KeyId, PublicKey, FastKey);

macro_rules! wire {
    ($($t:ty),*) => {$(
        impl HexBytes for $t {
            fn to_bytes(&self) -> Vec<u8> {
                self.encode().to_vec()
            }
            fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
                <$t>::decode(bytes).map_err(|e| e.to_string())
            }
        }
    )*};
}
wire!(
    DigitalKey,
    RevocationList,
    TimeToken,
    Advertisement,
    FirmwareManifest,
    ClaimReceipt
);

impl HexBytes for Vec<u8> {
    fn to_bytes(&self) -> Vec<u8> {
        self.clone()
    }
    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        Ok(bytes.to_vec())
    }
}

/// The status fields in wire order (22 bytes; the protocol keeps its own
/// writer private, so the store carries this small codec).
impl HexBytes for LockStatus {
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(LockStatus::LEN);
        out.extend_from_slice(&[self.bolt as u8, self.door as u8]);
        out.extend_from_slice(&self.battery_mv.to_be_bytes());
        out.extend_from_slice(&[self.battery_percent, self.faults.0]);
        for v in [self.lock_time, self.revocation_seq, self.event_head, self.epoch] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out
    }

    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        if b.len() != LockStatus::LEN {
            return Err(format!(
                "lock status must be {} bytes, got {}",
                LockStatus::LEN,
                b.len()
            ));
        }
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        Ok(LockStatus {
            bolt: BoltState::from_u8(b[0]).ok_or("unknown bolt state")?,
            door: DoorState::from_u8(b[1]).ok_or("unknown door state")?,
            battery_mv: u16::from_be_bytes([b[2], b[3]]),
            battery_percent: b[4],
            faults: Faults(b[5]),
            lock_time: u32_at(6),
            revocation_seq: u32_at(10),
            event_head: u32_at(14),
            epoch: u32_at(18),
        })
    }
}

/// The compact status every answer carries (4 bytes: bolt, door, percent,
/// faults; the wire packs bolt and door into one byte, the store does not).
impl HexBytes for CompactStatus {
    fn to_bytes(&self) -> Vec<u8> {
        vec![self.bolt as u8, self.door as u8, self.battery_percent, self.faults.0]
    }

    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        let [bolt, door, battery_percent, faults] = b else {
            return Err(format!("compact status must be 4 bytes, got {}", b.len()));
        };
        Ok(CompactStatus {
            bolt: BoltState::from_u8(*bolt).ok_or("unknown bolt state")?,
            door: DoorState::from_u8(*door).ok_or("unknown door state")?,
            battery_percent: *battery_percent,
            faults: Faults(*faults),
        })
    }
}

fn decode<T: HexBytes, E: serde::de::Error>(s: &str) -> Result<T, E> {
    let bytes = hexstr::decode(s).ok_or_else(|| E::custom("not valid hex"))?;
    T::from_bytes(&bytes).map_err(E::custom)
}

/// `T` as a hex string.
pub(crate) mod hex {
    use super::HexBytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<T: HexBytes, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&latchkey_protocol::hex::encode(&v.to_bytes()))
    }

    pub(crate) fn deserialize<'de, T: HexBytes, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        super::decode(&String::deserialize(d)?)
    }
}

/// `Option<T>` as a hex string or null.
pub(crate) mod hex_opt {
    use super::HexBytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<T: HexBytes, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_some(&latchkey_protocol::hex::encode(&v.to_bytes())),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, T: HexBytes, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        Option::<String>::deserialize(d)?.map(|s| super::decode(&s)).transpose()
    }
}

/// `Vec<T>` as a list of hex strings.
pub(crate) mod hex_vec {
    use super::HexBytes;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<T: HexBytes, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for item in v {
            seq.serialize_element(&latchkey_protocol::hex::encode(&item.to_bytes()))?;
        }
        seq.end()
    }

    pub(crate) fn deserialize<'de, T: HexBytes, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| super::decode(s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips_and_bad_bytes_are_errors() {
        let status = LockStatus {
            bolt: BoltState::Locked,
            door: DoorState::Closed,
            battery_mv: 2900,
            battery_percent: 80,
            faults: Faults(Faults::BATTERY_LOW),
            lock_time: 1_700_000_000,
            revocation_seq: 4,
            event_head: 99,
            epoch: 2,
        };
        assert_eq!(LockStatus::from_bytes(&status.to_bytes()).unwrap(), status);
        assert!(LockStatus::from_bytes(&[9; 22]).is_err());
        assert!(LockStatus::from_bytes(&[0; 3]).is_err());
        assert!(LockId::from_bytes(&[0; 3]).is_err());
    }
}
