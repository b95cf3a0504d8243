//! Reading one protocol file: its syntax first (every syntax error the parser can recover past is
//! reported), then each section and each entry on its own, so that a wrong key in one entry does
//! not hide the problems of the next.

use std::ops::Range;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::check::Checker;
use crate::protocol::ProtocolFile;

/// One entry of a list, or one table, with where it is written.
pub(super) struct Entry<T> {
    pub span: Range<usize>,
    pub value: T,
}

/// A file whose syntax is sound, its top-level keys not yet read.
pub(super) struct Document<'f> {
    pub file: &'f ProtocolFile<'f>,
    keys: Vec<(String, Range<usize>, Spanned<DeValue<'f>>)>,
}

/// Entries of a list that could not be read, by the id they give (so references to them are not
/// reported a second time as unknown).
pub(super) type Unread = Vec<String>;

impl Checker {
    /// The file's top-level keys, or `None` (with every syntax error reported) when it does not
    /// parse.
    pub fn document<'f>(&mut self, file: &'f ProtocolFile<'f>) -> Option<Document<'f>> {
        let (root, errors) = DeTable::parse_recoverable(file.text);
        if !errors.is_empty() {
            for error in errors {
                self.report_span(file, error.span(), "", error.message().trim().to_string());
            }
            return None;
        }
        let keys = root
            .into_inner()
            .into_iter()
            .map(|(key, value)| (key.get_ref().to_string(), key.span(), value))
            .collect();
        Some(Document { file, keys })
    }

    fn read<T: DeserializeOwned>(
        &mut self,
        file: &ProtocolFile<'_>,
        field: &str,
        value: Spanned<DeValue<'_>>,
    ) -> Option<T> {
        let span = value.span();
        match T::deserialize(ValueDeserializer::from(value)) {
            Ok(read) => Some(read),
            Err(error) => {
                let at = error.span().unwrap_or(span);
                self.report_span(file, Some(at), field, error.message().trim().to_string());
                None
            }
        }
    }
}

/// Just the `id` of a table, for naming an entry that could not be read.
#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

impl<'f> Document<'f> {
    fn take(&mut self, key: &str) -> Option<(Range<usize>, Spanned<DeValue<'f>>)> {
        let position = self.keys.iter().position(|(k, _, _)| k == key)?;
        let (_, key_span, value) = self.keys.remove(position);
        Some((key_span, value))
    }

    fn missing(&self, check: &mut Checker, key: &str, what: &str) {
        check.report_span(self.file, None, key, format!("missing: {what}"));
    }

    /// A list of entries (`[[zone]]`): each read on its own; those that fail are reported.
    pub fn list<T: DeserializeOwned>(
        &mut self,
        check: &mut Checker,
        key: &str,
        required: bool,
    ) -> (Vec<Entry<T>>, Unread) {
        let Some((key_span, value)) = self.take(key) else {
            if required {
                self.missing(check, key, &format!("add [[{key}]] entries"));
            }
            return (Vec::new(), Vec::new());
        };
        let DeValue::Array(items) = value.get_ref() else {
            check.report_span(
                self.file,
                Some(key_span),
                key,
                format!("expected a list of [[{key}]] entries"),
            );
            return (Vec::new(), Vec::new());
        };
        let mut read = Vec::new();
        let mut unread = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let span = item.span();
            let id = IdOnly::deserialize(ValueDeserializer::from(item.clone()))
                .ok()
                .map(|e| e.id);
            let field = format!("{key}[{}]", id.clone().unwrap_or_else(|| (i + 1).to_string()));
            match check.read::<T>(self.file, &field, item.clone()) {
                Some(value) => read.push(Entry { span, value }),
                None => unread.extend(id),
            }
        }
        (read, unread)
    }

    /// One value or table (`[depth]`, `name = "..."`), reported when missing or unreadable.
    pub fn value<T: DeserializeOwned>(
        &mut self,
        check: &mut Checker,
        key: &str,
        what: &str,
    ) -> Option<Entry<T>> {
        let Some((_, value)) = self.take(key) else {
            self.missing(check, key, what);
            return None;
        };
        let span = value.span();
        check
            .read::<T>(self.file, key, value)
            .map(|value| Entry { span, value })
    }

    /// Reports every top-level key nothing asked for: a misspelt section must never be ignored.
    pub fn finish(self, check: &mut Checker, expected: &[&str]) {
        for (key, span, _) in self.keys {
            let message = format!(
                "unknown key or section `{key}`; expected: {}",
                expected.join(", ")
            );
            check.report_span(self.file, Some(span), &key, message);
        }
    }
}
