//! A field that can be absent, `null`, or set.
//!
//! The API sends explicit `null`s everywhere (`"user": null`, `"error": null`)
//! and items must go back to it exactly as they came, so `Option<T>` (which
//! merges the two) is not enough for the wire types.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Absent, `null`, or a value. Fields of this type carry
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Nullable<T> {
    /// The key was not in the JSON object.
    #[default]
    Absent,
    /// The key was there with the value `null`.
    Null,
    /// The key was there with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, treating absent and `null` alike.
    pub fn get(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `None` becomes absent (omitted when serialized).
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Nullable::Absent, Nullable::Value)
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// The value, first storing `make()` when absent or `null`.
    pub fn get_or_insert_with(&mut self, make: impl FnOnce() -> T) -> &mut T {
        if !self.is_value() {
            *self = Nullable::Value(make());
        }
        match self {
            Nullable::Value(v) => v,
            // Just set above.
            _ => unreachable!("value was just stored"),
        }
    }
}

impl Nullable<String> {
    pub fn as_str(&self) -> Option<&str> {
        self.get().map(String::as_str)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => serializer.serialize_some(v),
            // Absent fields are skipped by `skip_serializing_if`; if a caller
            // serializes one directly, `null` is the closest JSON.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Serialize, Deserialize, Default)]
    struct Probe {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        a: Nullable<u32>,
    }

    #[test]
    fn absent_null_and_value_round_trip() {
        for doc in [json!({}), json!({"a": null}), json!({"a": 3})] {
            let probe: Probe = serde_json::from_value(doc.clone()).expect("parses");
            // The three states must stay distinct so items go back unchanged.
            assert_eq!(serde_json::to_value(&probe).expect("serializes"), doc);
        }
    }
}
