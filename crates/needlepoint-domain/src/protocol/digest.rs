//! The protocol's content digest: SHA-256 over a canonical form of every file's content (each
//! file's TOML as JSON with sorted keys, in the protocol's file order). Comments, spacing and the
//! order of keys do not change it; any figure, word or source does. Every plan carries it, so a
//! plan always says exactly which content produced it.

use std::fmt::Write;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::{EMBEDDED, FILE_NAMES, ProtocolFile};

/// Marks the canonical form's version, so that a change of form can never collide with content.
const FORM: &str = "needlepoint-protocol-digest-v1\n";

fn canonical(value: &toml::Value, out: &mut String) {
    match value {
        toml::Value::String(s) => {
            let _ = write!(out, "{}", serde_json::Value::String(s.clone()));
        }
        toml::Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        toml::Value::Float(f) => match serde_json::Number::from_f64(*f) {
            Some(number) => {
                let _ = write!(out, "{number}");
            }
            // TOML allows nan and inf; JSON has no spelling for them.
            None => {
                let _ = write!(out, "\"float:{f}\"");
            }
        },
        toml::Value::Boolean(b) => {
            let _ = write!(out, "{b}");
        }
        toml::Value::Datetime(d) => {
            let _ = write!(out, "\"datetime:{d}\"");
        }
        toml::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        toml::Value::Table(table) => {
            let mut keys: Vec<&String> = table.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{}:", serde_json::Value::String(key.clone()));
                if let Some(value) = table.get(key) {
                    canonical(value, out);
                }
            }
            out.push('}');
        }
    }
}

/// The digest of these files (`sha256:` and 64 hex digits). A file missing or not parsing is
/// hashed as its raw text; the loader refuses such a protocol anyway.
pub fn of_files(files: &[ProtocolFile<'_>]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(FORM.as_bytes());
    for name in FILE_NAMES {
        hasher.update(name.as_bytes());
        hasher.update(b"\n");
        if let Some(file) = files.iter().find(|f| f.name == name) {
            match toml::from_str::<toml::Table>(file.text) {
                Ok(table) => {
                    let mut form = String::new();
                    canonical(&toml::Value::Table(table), &mut form);
                    hasher.update(form.as_bytes());
                }
                Err(_) => hasher.update(file.text.as_bytes()),
            }
        }
        hasher.update(b"\n");
    }
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The built-in protocol's digest, computed once.
pub fn embedded() -> &'static str {
    static DIGEST: OnceLock<String> = OnceLock::new();
    DIGEST.get_or_init(|| of_files(&EMBEDDED))
}
