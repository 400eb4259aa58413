//! Protocol enums (bolt, door, result code) in JSON by their stable names.

use latchkey_protocol::{BoltState, DoorState, ResultCode};

/// A protocol enum with a stable snake_case name.
pub(crate) trait Named: Sized + Copy + 'static {
    fn name(self) -> &'static str;
    fn all() -> Vec<Self>;
    fn from_name(name: &str) -> Option<Self> {
        Self::all().into_iter().find(|v| v.name() == name)
    }
}

impl Named for ResultCode {
    fn name(self) -> &'static str {
        ResultCode::name(self)
    }
    fn all() -> Vec<Self> {
        ResultCode::ALL.to_vec()
    }
}

impl Named for BoltState {
    fn name(self) -> &'static str {
        BoltState::name(self)
    }
    fn all() -> Vec<Self> {
        (0..=u8::MAX).map_while(BoltState::from_u8).collect()
    }
}

impl Named for DoorState {
    fn name(self) -> &'static str {
        DoorState::name(self)
    }
    fn all() -> Vec<Self> {
        (0..=u8::MAX).map_while(DoorState::from_u8).collect()
    }
}

/// `#[serde(with = "opt_named")]` for `Option<T: Named>`.
pub(crate) mod opt_named {
    use super::Named;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<T: Named, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(v.name()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, T: Named, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        let Some(name) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        T::from_name(&name)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown value `{name}`")))
    }
}
