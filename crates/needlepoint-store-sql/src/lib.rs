//! What the SQL engines (SQLite, PostgreSQL) share, so that both store and read a record the same
//! way: turning rows into records, the search keys, the audit chain's links, the chart guard.

pub mod clash;
pub mod rows;
pub mod search;
pub mod transfer;

use needlepoint_store::audit::{GENESIS, entry_hash};
use needlepoint_store::{ChartRecord, NewAuditEntry, StoreError, StoreResult};

/// The client columns every client query selects (never the search keys).
pub const CLIENT_COLUMNS: &str =
    "id, given_name, family_name, birth_date, email, phone, version, archived, created_at, updated_at";

/// A consent with its template's kind and version.
pub const CONSENT_SELECT: &str = "SELECT c.*, t.kind, t.version AS template_version FROM consents c
     JOIN consent_templates t ON t.id = c.template_id";

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

/// Numbers and hashes `entries` after the chain's last entry (`None` for an empty chain):
/// `(seq, prev_hash, hash)` for each, in order.
pub fn chain_links(last: Option<(i64, String)>, entries: &[NewAuditEntry]) -> Vec<(i64, String, String)> {
    let (mut seq, mut prev) = last.unwrap_or_else(|| (0, GENESIS.to_string()));
    entries
        .iter()
        .map(|entry| {
            seq += 1;
            let hash = entry_hash(seq, &prev, entry);
            (seq, std::mem::replace(&mut prev, hash.clone()), hash)
        })
        .collect()
}

/// Refuses a signed chart or a stale version.
pub fn check_editable(record: &ChartRecord, expected_version: i64) -> StoreResult<()> {
    if record.signed_at.is_some() {
        return Err(StoreError::Frozen(
            "the chart is signed and never changes: add an amendment instead".into(),
        ));
    }
    if record.version != expected_version {
        return Err(StoreError::Conflict {
            current: record.version,
        });
    }
    Ok(())
}
