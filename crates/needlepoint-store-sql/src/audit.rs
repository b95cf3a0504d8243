//! The audit log: batches of entries (reads, logins, refusals) through the group writer, the
//! filtered log for the owner, and the chain page by page for verification.

use async_trait::async_trait;
use needlepoint_store::{AuditEntry, AuditFilter, AuditStore, NewAuditEntry, StoreResult};

use crate::engine::{Engine, Tx};
use crate::value::Value;
use crate::{SqlStore, args, rows};

#[async_trait]
impl<E: Engine> AuditStore for SqlStore<E> {
    async fn append_audit(&self, entries: Vec<NewAuditEntry>) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        self.engine
            .write(async move |tx: &mut Tx<'_>| tx.audit(&entries).await)
            .await
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let limit = filter.limit.clamp(1, 1000);
        // One index per filter (by client, by user); `col IS NULL OR col = ?` would walk the
        // whole log backwards.
        let mut sql = String::from("SELECT * FROM audit_log WHERE 1 = 1");
        let mut values: Vec<Value> = Vec::new();
        for (column, value) in [
            ("client_id", filter.client_id.as_ref().map(Value::from)),
            ("user_id", filter.user_id.as_ref().map(Value::from)),
        ] {
            if let Some(value) = value {
                values.push(value);
                sql.push_str(&format!(" AND {column} = ${}", values.len()));
            }
        }
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT {limit}"));
        self.all(&sql, values, rows::audit).await
    }

    async fn audit_chain_page(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        self.all(
            "SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            args![after_seq, limit.clamp(1, 100_000)],
            rows::audit,
        )
        .await
    }
}
