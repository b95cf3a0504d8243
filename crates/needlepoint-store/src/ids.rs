//! Typed ids: a client's id cannot be passed where an appointment's is expected.
//!
//! Every id is text (a UUID v7 for records made here). Text from outside (a URL, a JSON body) only
//! becomes an id through [`parse`](ClientId::parse) or deserialization, which refuse anything that
//! could not be one: at most 64 characters of letters, digits, `-` and `_`.

use std::fmt;

/// Whether `text` can be an id.
fn valid(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Why some text is not an id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an id: expected 1 to 64 letters, digits, `-` or `_`")]
pub struct NotAnId;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        pub struct $name(String);

        impl $name {
            /// A new, unique id (UUID v7: ids made later sort later).
            #[allow(clippy::new_without_default, reason = "a default id would be a shared one")]
            pub fn new() -> $name {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// The id `text` names, if it can be one.
            pub fn parse(text: &str) -> Option<$name> {
                valid(text).then(|| $name(text.to_string()))
            }

            /// An id read back from the database, where only ids were ever written.
            pub fn from_stored(text: String) -> $name {
                $name(text)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = NotAnId;

            fn try_from(text: String) -> Result<$name, NotAnId> {
                if valid(&text) { Ok($name(text)) } else { Err(NotAnId) }
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

id_type!(
    /// A staff member's account.
    UserId
);
id_type!(
    /// A client of the clinic.
    ClientId
);
id_type!(
    /// One intake (answers, screening and plan) of a client.
    IntakeId
);
id_type!(
    /// A depth adjustment or override recorded beside a plan.
    DepthOverrideId
);
id_type!(
    /// One version of a consent text.
    TemplateId
);
id_type!(
    /// A signed consent.
    ConsentId
);
id_type!(
    /// A treatment room.
    RoomId
);
id_type!(
    /// A needling device (one serial number).
    DeviceId
);
id_type!(
    /// A product on the clinic's formulary.
    FormularyItemId
);
id_type!(
    /// A booked session.
    AppointmentId
);
id_type!(
    /// A treatment-room chart.
    ChartId
);
id_type!(
    /// An amendment to a signed chart.
    AmendmentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_outside_are_checked() {
        assert!(ClientId::parse("0193f1c2-7d3e-7a00-9c1e-1a2b3c4d5e6f").is_some());
        assert!(ClientId::parse("").is_none());
        assert!(ClientId::parse("../etc/passwd").is_none());
        assert!(ClientId::parse(&"a".repeat(65)).is_none());
        let read: Result<ClientId, _> = serde_json::from_str("\"a b\"");
        assert!(read.is_err());
        let read: ClientId = serde_json::from_str("\"abc-1\"").unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), "\"abc-1\"");
    }

    #[test]
    fn new_ids_are_unique_and_valid() {
        let (a, b) = (ChartId::new(), ChartId::new());
        assert_ne!(a, b);
        assert!(ChartId::parse(a.as_str()).is_some());
    }
}
