//! The audit hash chain: each entry's hash covers its fields and the previous entry's hash, so an
//! edited, inserted or deleted entry breaks the chain from that point on.

use sha2::{Digest, Sha256};

use crate::{AuditEntry, AuditStore, NewAuditEntry, StoreResult};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many entries verification reads at a time.
const PAGE: i64 = 10_000;

/// An entry's fields as the chain stores and hashes them.
#[derive(Clone, Copy, Debug)]
pub struct ChainFields<'a> {
    pub at: &'a str,
    pub user_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub action: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
}

impl NewAuditEntry {
    /// The time as it is stored (and hashed).
    pub fn at_text(&self) -> String {
        self.at.to_string()
    }

    /// The fields to hash, with `at` already as its stored text.
    pub fn chain_fields<'a>(&'a self, at: &'a str) -> ChainFields<'a> {
        ChainFields {
            at,
            user_id: self.user_id.as_ref().map(|id| id.as_str()),
            client_id: self.client_id.as_ref().map(|id| id.as_str()),
            action: self.action.name(),
            outcome: self.outcome.name(),
            detail: &self.detail,
        }
    }
}

impl AuditEntry {
    fn chain_fields(&self) -> ChainFields<'_> {
        ChainFields {
            at: &self.at,
            user_id: self.user_id.as_deref(),
            client_id: self.client_id.as_deref(),
            action: &self.action,
            outcome: &self.outcome,
            detail: &self.detail,
        }
    }
}

/// The hash of an entry at `seq` following `prev_hash`.
pub fn entry_hash(seq: i64, prev_hash: &str, fields: &ChainFields<'_>) -> String {
    let mut hasher = Sha256::new();
    // Unit separators keep field boundaries unambiguous.
    for part in [
        seq.to_string().as_str(),
        prev_hash,
        fields.at,
        fields.user_id.unwrap_or(""),
        fields.client_id.unwrap_or(""),
        fields.action,
        fields.outcome,
        fields.detail,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// One link of the chain, ready to insert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub seq: i64,
    pub at: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The end of the chain as a writer extends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    /// The head of an empty chain.
    pub fn genesis() -> ChainHead {
        ChainHead {
            seq: 0,
            hash: GENESIS.to_string(),
        }
    }

    /// Numbers and hashes `entries` after this head, and moves the head past them.
    pub fn extend(&mut self, entries: &[NewAuditEntry]) -> Vec<Link> {
        entries
            .iter()
            .map(|entry| {
                let at = entry.at_text();
                let seq = self.seq + 1;
                let hash = entry_hash(seq, &self.hash, &entry.chain_fields(&at));
                let prev_hash = std::mem::replace(&mut self.hash, hash.clone());
                self.seq = seq;
                Link {
                    seq,
                    at,
                    prev_hash,
                    hash,
                }
            })
            .collect()
    }
}

/// Where a chain first fails to verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its hash does not match its contents (edited)")]
    Edited { seq: i64 },
    #[error("entry {seq}: it does not follow entry {previous} (an entry was removed or inserted)")]
    Broken { seq: i64, previous: i64 },
}

/// Checks a chain entry by entry, in order, without holding it.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    head: ChainHead,
    count: usize,
}

impl Default for ChainVerifier {
    fn default() -> ChainVerifier {
        ChainVerifier {
            head: ChainHead::genesis(),
            count: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.prev_hash != self.head.hash || entry.seq != self.head.seq + 1 {
            return Err(ChainBreak::Broken {
                seq: entry.seq,
                previous: self.head.seq,
            });
        }
        if entry_hash(entry.seq, &entry.prev_hash, &entry.chain_fields()) != entry.hash {
            return Err(ChainBreak::Edited { seq: entry.seq });
        }
        self.head = ChainHead {
            seq: entry.seq,
            hash: entry.hash.clone(),
        };
        self.count += 1;
        Ok(())
    }

    /// Entries verified so far.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// Checks a whole chain held in memory. Returns the number of entries verified.
pub fn verify(entries: &[AuditEntry]) -> Result<usize, ChainBreak> {
    let mut verifier = ChainVerifier::default();
    for entry in entries {
        verifier.check(entry)?;
    }
    Ok(verifier.count())
}

/// Checks the stored chain page by page: memory stays flat however long the log is.
pub async fn verify_store(store: &dyn AuditStore) -> StoreResult<Result<usize, ChainBreak>> {
    verify_in_pages(store, PAGE).await
}

/// [`verify_store`] with a page size of the caller's choosing.
pub async fn verify_in_pages(
    store: &dyn AuditStore,
    page_size: i64,
) -> StoreResult<Result<usize, ChainBreak>> {
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    loop {
        let page = store.audit_chain_page(after, page_size).await?;
        let Some(last) = page.last() else {
            return Ok(Ok(verifier.count()));
        };
        after = last.seq;
        for entry in &page {
            if let Err(problem) = verifier.check(entry) {
                return Ok(Err(problem));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuditAction, AuditOutcome, UserId};

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut head = ChainHead::genesis();
        let user = UserId::parse("u1").unwrap();
        (1..=n)
            .map(|seq| {
                let entry = NewAuditEntry {
                    at: jiff::Timestamp::from_second(1_800_000_000 + seq).unwrap(),
                    user_id: Some(user.clone()),
                    client_id: None,
                    action: AuditAction::ClientRead,
                    outcome: AuditOutcome::Ok,
                    detail: String::new(),
                };
                let link = head.extend(std::slice::from_ref(&entry)).remove(0);
                AuditEntry {
                    seq: link.seq,
                    at: link.at,
                    user_id: Some("u1".into()),
                    client_id: None,
                    action: "client.read".into(),
                    outcome: "ok".into(),
                    detail: String::new(),
                    prev_hash: link.prev_hash,
                    hash: link.hash,
                }
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

    #[test]
    fn every_action_has_a_distinct_stored_name() {
        let mut names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_name(action.name()), Some(*action));
            let json = serde_json::to_string(action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.name()));
        }
    }
}
