//! The audit writer: batches of audit entries (reads, logins, refusals) appended on a plain
//! read-write connection of their own, on a blocking thread.
//!
//! The web layer's group commit hands over hundreds of entries at a time under load. Through sqlx
//! each statement of the batch is a round trip to the connection's worker thread; here the whole
//! batch is one transaction of prepared single-row inserts, with one fsync at the commit.
//! Writes of health data keep appending their own entry inside their own (sqlx) transaction; both
//! writers take SQLite's write lock first (`BEGIN IMMEDIATE`), so the chain stays one sequence.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use needlepoint_store::audit::{GENESIS, entry_hash};
use needlepoint_store::{NewAuditEntry, StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

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

pub struct AuditWriter {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for AuditWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditWriter")
    }
}

fn failed(error: rusqlite::Error) -> StoreError {
    StoreError::Backend(format!("audit append: {error}"))
}

impl AuditWriter {
    pub fn open(path: &Path) -> StoreResult<AuditWriter> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            // The same durability as every other write: the WAL is fsynced before the commit returns.
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.busy_timeout(Duration::from_secs(10))?;
            Ok(conn)
        })
        .map_err(|e| StoreError::Backend(format!("opening the audit writer: {e}")))?;
        Ok(AuditWriter {
            conn: Mutex::new(conn),
        })
    }

    /// Appends `entries` to the chain in one transaction; returns once they are durable.
    /// Blocking: call it from a blocking thread.
    pub fn append(&self, entries: &[NewAuditEntry]) -> StoreResult<()> {
        // A poisoned lock only means an earlier append panicked; the transaction rolled back.
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        let last = tx
            .query_row(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(failed)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO audit_log (seq, at, user_id, client_id, action, outcome, detail, prev_hash, hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(failed)?;
            for ((seq, prev_hash, hash), e) in chain_links(last, entries).iter().zip(entries) {
                insert
                    .execute(params![
                        seq,
                        e.at,
                        e.user_id,
                        e.client_id,
                        e.action,
                        e.outcome,
                        e.detail,
                        prev_hash,
                        hash
                    ])
                    .map_err(failed)?;
            }
        }
        tx.commit().map_err(failed)
    }
}
