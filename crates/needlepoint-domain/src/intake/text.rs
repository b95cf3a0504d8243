//! Reading an intake's text: JSON or TOML, into the JSON value the reader checks. A key given
//! twice is an error in both (TOML's parser refuses it; for JSON it is checked here, because
//! `{"pregnant": true, "pregnant": false}` must never read as "no").

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::Intake;
use super::parse::{FieldError, IntakeErrors, from_value};
use crate::protocol::Protocol;

/// Reads an intake written as JSON.
pub fn from_json(text: &str, protocol: &Protocol) -> Result<Intake, IntakeErrors> {
    from_value(&json_value(text)?, protocol)
}

/// Reads JSON text into a value, refusing a key given twice in any object (each repeat is named
/// by its dotted path). The web API reads a request body with this, so that it refuses what the
/// command line refuses.
pub fn json_value(text: &str) -> Result<Value, IntakeErrors> {
    let repeats = RefCell::new(Vec::new());
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = Checked {
        path: String::new(),
        repeats: &repeats,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    match read {
        Ok(value) => {
            let repeats = repeats.into_inner();
            if repeats.is_empty() {
                Ok(value)
            } else {
                Err(IntakeErrors(
                    repeats
                        .into_iter()
                        .map(|path| FieldError {
                            path,
                            problem: "given twice: give each field once".into(),
                        })
                        .collect(),
                ))
            }
        }
        Err(error) => Err(IntakeErrors(vec![FieldError {
            path: String::new(),
            problem: format!(
                "not valid JSON at line {}, column {}: {}",
                error.line(),
                error.column(),
                error
            ),
        }])),
    }
}

/// A JSON value read with its path, recording keys that repeat.
struct Checked<'r> {
    path: String,
    repeats: &'r RefCell<Vec<String>>,
}

impl Checked<'_> {
    fn child(&self, path: String) -> Checked<'_> {
        Checked {
            path,
            repeats: self.repeats,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Checked<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child(format!("{}[{}]", self.path, items.len())))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            let value = map.next_value_seed(self.child(path.clone()))?;
            if object.contains_key(&key) {
                self.repeats.borrow_mut().push(path);
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

/// Reads an intake written as TOML (dates may be TOML dates or strings).
pub fn from_toml(text: &str, protocol: &Protocol) -> Result<Intake, IntakeErrors> {
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => from_value(&toml_to_json(toml::Value::Table(table)), protocol),
        Err(error) => {
            let location = error
                .span()
                .map(|span| {
                    let line = text.get(..span.start).unwrap_or(text).matches('\n').count() + 1;
                    format!(" at line {line}")
                })
                .unwrap_or_default();
            Err(IntakeErrors(vec![FieldError {
                path: String::new(),
                problem: format!("not valid TOML{location}: {}", error.message().trim()),
            }]))
        }
    }
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(f).map_or(Value::String(f.to_string()), Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}
