//! Search keys and digests, computed the same way for every engine.

/// A name or email as it is searched: trimmed and lower-cased.
pub fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The phone's digits, reversed: a search for the last digits becomes an index prefix range.
pub fn phone_key(phone: &str) -> String {
    phone.chars().rev().filter(char::is_ascii_digit).collect()
}

/// The end of a prefix range: every string that starts with `prefix` sorts below it (in byte
/// order, which is why the PostgreSQL key columns are `COLLATE "C"`).
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

pub fn hex_sha256(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.as_bytes()))
}
