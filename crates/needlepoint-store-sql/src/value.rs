//! Values bound to statements and rows read back, the same for every engine. Each engine turns
//! its driver's rows into [`Row`]s and binds [`Value`]s; everything above works on these alone.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use needlepoint_store::{StoreError, StoreResult};

/// A value bound to a statement or read from a row. Nulls keep their type: PostgreSQL must know
/// what a parameter is even when it is empty.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(
            self,
            Value::Int(None) | Value::Real(None) | Value::Text(None) | Value::Blob(None)
        )
    }
}

/// How wall-clock times are stored: they sort as text in time order.
pub fn datetime_text(time: DateTime) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(Some(i64::from(v)))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(Some(i64::from(v)))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        Value::Int(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(Some(v.clone()))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_string()))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        Value::Text(v)
    }
}
impl From<Option<&String>> for Value {
    fn from(v: Option<&String>) -> Value {
        Value::Text(v.cloned())
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Value {
        Value::Text(v.map(str::to_string))
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Blob(Some(v))
    }
}
impl From<Timestamp> for Value {
    fn from(v: Timestamp) -> Value {
        Value::Text(Some(v.to_string()))
    }
}
impl From<Option<Timestamp>> for Value {
    fn from(v: Option<Timestamp>) -> Value {
        Value::Text(v.map(|t| t.to_string()))
    }
}
impl From<Date> for Value {
    fn from(v: Date) -> Value {
        Value::Text(Some(v.to_string()))
    }
}
impl From<Option<Date>> for Value {
    fn from(v: Option<Date>) -> Value {
        Value::Text(v.map(|d| d.to_string()))
    }
}
impl From<DateTime> for Value {
    fn from(v: DateTime) -> Value {
        Value::Text(Some(datetime_text(v)))
    }
}
impl From<Option<DateTime>> for Value {
    fn from(v: Option<DateTime>) -> Value {
        Value::Text(v.map(datetime_text))
    }
}

/// Ids bind as their text.
macro_rules! id_values {
    ($($id:ident),*) => {$(
        impl From<&needlepoint_store::$id> for Value {
            fn from(v: &needlepoint_store::$id) -> Value {
                Value::Text(Some(v.as_str().to_string()))
            }
        }
        impl From<Option<&needlepoint_store::$id>> for Value {
            fn from(v: Option<&needlepoint_store::$id>) -> Value {
                Value::Text(v.map(|id| id.as_str().to_string()))
            }
        }
    )*};
}
id_values!(
    UserId,
    ClientId,
    IntakeId,
    DepthOverrideId,
    TemplateId,
    ConsentId,
    RoomId,
    DeviceId,
    FormularyItemId,
    AppointmentId,
    ChartId,
    AmendmentId
);

/// `args![a, b, c]`: the values of a statement's `$1, $2, $3`, as an array.
#[macro_export]
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        [$($crate::value::Value::from($value)),*]
    };
}

/// One row as read: its columns' names (shared by every row of a result) and values. Reading a
/// column takes its value out, so mapping a row to a record copies nothing.
#[derive(Clone, Debug)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

fn column_error(column: &str, problem: &str) -> StoreError {
    StoreError::Backend(format!("column {column}: {problem}"))
}

impl Row {
    pub fn new(names: Arc<[String]>, values: Vec<Value>) -> Row {
        Row { names, values }
    }

    fn take(&mut self, column: &str) -> StoreResult<Value> {
        let index = self
            .names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| column_error(column, "not in the result"))?;
        let slot = self
            .values
            .get_mut(index)
            .ok_or_else(|| column_error(column, "missing value"))?;
        Ok(std::mem::replace(slot, Value::Text(None)))
    }

    pub fn maybe_text(&mut self, column: &str) -> StoreResult<Option<String>> {
        match self.take(column)? {
            Value::Text(v) => Ok(v),
            v if v.is_null() => Ok(None),
            _ => Err(column_error(column, "expected text")),
        }
    }

    pub fn text(&mut self, column: &str) -> StoreResult<String> {
        self.maybe_text(column)?
            .ok_or_else(|| column_error(column, "unexpected null"))
    }

    pub fn maybe_int(&mut self, column: &str) -> StoreResult<Option<i64>> {
        match self.take(column)? {
            Value::Int(v) => Ok(v),
            v if v.is_null() => Ok(None),
            _ => Err(column_error(column, "expected an integer")),
        }
    }

    pub fn int(&mut self, column: &str) -> StoreResult<i64> {
        self.maybe_int(column)?
            .ok_or_else(|| column_error(column, "unexpected null"))
    }

    pub fn flag(&mut self, column: &str) -> StoreResult<bool> {
        Ok(self.int(column)? != 0)
    }

    /// A non-negative count or size that fits 32 bits.
    pub fn count(&mut self, column: &str) -> StoreResult<u32> {
        let value = self.int(column)?;
        u32::try_from(value).map_err(|_| StoreError::corrupt(column, &value.to_string()))
    }

    pub fn maybe_blob(&mut self, column: &str) -> StoreResult<Option<Vec<u8>>> {
        match self.take(column)? {
            Value::Blob(v) => Ok(v),
            v if v.is_null() => Ok(None),
            _ => Err(column_error(column, "expected bytes")),
        }
    }

    /// Text that must parse as `T`.
    pub fn parsed<T: std::str::FromStr>(&mut self, column: &str) -> StoreResult<T> {
        let text = self.text(column)?;
        text.parse().map_err(|_| StoreError::corrupt(column, &text))
    }

    pub fn maybe_parsed<T: std::str::FromStr>(&mut self, column: &str) -> StoreResult<Option<T>> {
        match self.maybe_text(column)? {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| StoreError::corrupt(column, &text)),
        }
    }

    pub fn timestamp(&mut self, column: &str) -> StoreResult<Timestamp> {
        self.parsed(column)
    }

    pub fn maybe_timestamp(&mut self, column: &str) -> StoreResult<Option<Timestamp>> {
        self.maybe_parsed(column)
    }

    pub fn date(&mut self, column: &str) -> StoreResult<Date> {
        self.parsed(column)
    }

    pub fn datetime(&mut self, column: &str) -> StoreResult<DateTime> {
        self.parsed(column)
    }

    /// A JSON document stored as text.
    pub fn json<T: serde::de::DeserializeOwned>(&mut self, column: &str) -> StoreResult<T> {
        let text = self.text(column)?;
        serde_json::from_str(&text)
            .map_err(|e| column_error(column, &format!("stored JSON does not read: {e}")))
    }

    /// An id of any kind.
    pub fn id<I: From<StoredId>>(&mut self, column: &str) -> StoreResult<I> {
        Ok(I::from(StoredId(self.text(column)?)))
    }

    pub fn maybe_id<I: From<StoredId>>(&mut self, column: &str) -> StoreResult<Option<I>> {
        Ok(self.maybe_text(column)?.map(|t| I::from(StoredId(t))))
    }
}

/// Text read from an id column.
pub struct StoredId(pub String);

macro_rules! stored_ids {
    ($($id:ident),*) => {$(
        impl From<StoredId> for needlepoint_store::$id {
            fn from(text: StoredId) -> needlepoint_store::$id {
                needlepoint_store::$id::from_stored(text.0)
            }
        }
    )*};
}
stored_ids!(
    UserId,
    ClientId,
    IntakeId,
    DepthOverrideId,
    TemplateId,
    ConsentId,
    RoomId,
    DeviceId,
    FormularyItemId,
    AppointmentId,
    ChartId,
    AmendmentId
);

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row::new(
            Arc::from(vec!["a".to_string(), "b".to_string(), "c".to_string()]),
            vec![
                Value::Int(Some(3)),
                Value::Text(None),
                Value::Text(Some("x".into())),
            ],
        )
    }

    #[test]
    fn columns_read_by_name_and_type() {
        let mut r = row();
        assert_eq!(r.int("a").unwrap(), 3);
        assert_eq!(r.maybe_text("b").unwrap(), None);
        assert!(r.int("c").is_err(), "text is not an integer");
        assert!(row().text("missing").is_err());
        assert!(row().text("b").is_err(), "null where a value must be");
    }
}
