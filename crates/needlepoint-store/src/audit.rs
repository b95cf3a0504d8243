//! The audit hash chain: each entry's hash covers its fields and the previous entry's hash, so an
//! edited, inserted or deleted entry breaks the chain from that point on.

use sha2::{Digest, Sha256};

use crate::{AuditEntry, NewAuditEntry};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry at `seq` following `prev_hash`.
pub fn entry_hash(seq: i64, prev_hash: &str, entry: &NewAuditEntry) -> String {
    let mut hasher = Sha256::new();
    // Unit separators keep field boundaries unambiguous.
    for part in [
        seq.to_string().as_str(),
        prev_hash,
        &entry.at,
        entry.user_id.as_deref().unwrap_or(""),
        entry.client_id.as_deref().unwrap_or(""),
        &entry.action,
        &entry.outcome,
        &entry.detail,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// Where a chain first fails to verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its hash does not match its contents (edited)")]
    Edited { seq: i64 },
    #[error("entry {seq}: it does not follow entry {previous} (an entry was removed or inserted)")]
    Broken { seq: i64, previous: i64 },
}

/// Checks a whole chain, in order. Returns the number of entries verified.
pub fn verify(entries: &[AuditEntry]) -> Result<usize, ChainBreak> {
    let mut previous_hash = GENESIS.to_string();
    let mut previous_seq = 0;
    for entry in entries {
        if entry.prev_hash != previous_hash || entry.seq != previous_seq + 1 {
            return Err(ChainBreak::Broken {
                seq: entry.seq,
                previous: previous_seq,
            });
        }
        let fields = NewAuditEntry {
            at: entry.at.clone(),
            user_id: entry.user_id.clone(),
            client_id: entry.client_id.clone(),
            action: entry.action.clone(),
            outcome: entry.outcome.clone(),
            detail: entry.detail.clone(),
        };
        if entry_hash(entry.seq, &entry.prev_hash, &fields) != entry.hash {
            return Err(ChainBreak::Edited { seq: entry.seq });
        }
        previous_hash = entry.hash.clone();
        previous_seq = entry.seq;
    }
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let fields = NewAuditEntry {
                    at: format!("2026-12-01T10:00:{seq:02}Z"),
                    user_id: Some("u1".into()),
                    client_id: None,
                    action: "client.read".into(),
                    outcome: "ok".into(),
                    detail: String::new(),
                };
                let hash = entry_hash(seq, &prev, &fields);
                let entry = AuditEntry {
                    seq,
                    at: fields.at,
                    user_id: fields.user_id,
                    client_id: fields.client_id,
                    action: fields.action,
                    outcome: fields.outcome,
                    detail: fields.detail,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_found() {
        let mut entries = chain(5);
        entries[2].action = "client.update".into();
        assert_eq!(verify(&entries), Err(ChainBreak::Edited { seq: 3 }));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify(&entries), Err(ChainBreak::Broken { seq: 3, previous: 1 }));
    }
}
