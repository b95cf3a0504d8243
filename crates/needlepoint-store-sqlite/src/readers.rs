//! Reads on plain read-only SQLite connections, run in place on the calling thread.
//!
//! sqlx runs every SQLite statement on its connection's own worker thread and hands the result
//! back over a channel. For a primary-key lookup of a few microseconds, the two thread hops cost
//! more than the query: profiling `bench/http.sh` put about 45% of the server's CPU in futex
//! waits and wake-ups. Reads therefore go to a few read-only rusqlite connections behind mutexes
//! and run directly on the async worker. In WAL mode a reader never waits for the writer.

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use needlepoint_store::{StoreError, StoreResult};
use needlepoint_store_sql::value::{Row, Value};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

/// A small set of read-only connections to one database file.
pub struct Readers {
    slots: Vec<Mutex<Connection>>,
    next: AtomicUsize,
    /// Statements run so far: an operational figure (and how the benchmarks count queries).
    statements: AtomicU64,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("connections", &self.slots.len())
            .finish()
    }
}

pub fn failed(error: rusqlite::Error) -> StoreError {
    match &error {
        rusqlite::Error::SqliteFailure(e, message)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            StoreError::Duplicate(message.clone().unwrap_or_else(|| error.to_string()))
        }
        _ => StoreError::Backend(error.to_string()),
    }
}

/// The statements are written with PostgreSQL's `$1` placeholders (one text for both engines).
/// SQLite reads `$1` as a *named* parameter numbered by first appearance, so `… $2 … $1` would
/// bind in the wrong order; `?1` is numbered by its digits. Rewritten once per call: a short scan.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// Binds the values in order: `?1` is the first.
pub fn bind(statement: &mut rusqlite::Statement<'_>, args: &[Value]) -> rusqlite::Result<()> {
    for (i, value) in args.iter().enumerate() {
        let index = i + 1;
        match value {
            Value::Int(v) => statement.raw_bind_parameter(index, v)?,
            Value::Real(v) => statement.raw_bind_parameter(index, v)?,
            Value::Text(v) => statement.raw_bind_parameter(index, v)?,
            Value::Blob(v) => statement.raw_bind_parameter(index, v)?,
        }
    }
    Ok(())
}

/// Runs a query on `conn` and collects its rows.
pub fn query(conn: &Connection, sql: &str, args: &[Value]) -> StoreResult<Vec<Row>> {
    let mut statement = conn.prepare_cached(&numbered(sql)).map_err(failed)?;
    bind(&mut statement, args).map_err(failed)?;
    let names: Arc<[String]> = statement.column_names().iter().map(|n| n.to_string()).collect();
    let width = names.len();
    let mut rows = statement.raw_query();
    let mut found = Vec::new();
    while let Some(row) = rows.next().map_err(failed)? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(match row.get_ref(i).map_err(failed)? {
                ValueRef::Null => Value::Text(None),
                ValueRef::Integer(v) => Value::Int(Some(v)),
                ValueRef::Real(v) => Value::Real(Some(v)),
                ValueRef::Text(v) => Value::Text(Some(String::from_utf8_lossy(v).into_owned())),
                ValueRef::Blob(v) => Value::Blob(Some(v.to_vec())),
            });
        }
        found.push(Row::new(names.clone(), values));
    }
    Ok(found)
}

/// Runs a statement on `conn`; returns the rows it changed.
pub fn execute(conn: &Connection, sql: &str, args: &[Value]) -> StoreResult<u64> {
    let mut statement = conn.prepare_cached(&numbered(sql)).map_err(failed)?;
    bind(&mut statement, args).map_err(failed)?;
    let changed = statement.raw_execute().map_err(failed)?;
    Ok(changed as u64)
}

impl Readers {
    /// Opens one connection per core (the async runtime's worker count), so workers rarely
    /// share one.
    pub fn open(path: &Path) -> StoreResult<Readers> {
        let count = std::thread::available_parallelism().map_or(2, |n| n.get());
        let slots = (0..count)
            .map(|_| {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                // Only WAL recovery after a crash can make a reader wait; keep that short.
                conn.busy_timeout(Duration::from_secs(1))?;
                // Every read statement stays prepared (there are a few dozen).
                conn.set_prepared_statement_cache_capacity(128);
                Ok(Mutex::new(conn))
            })
            .collect::<Result<Vec<_>, rusqlite::Error>>()
            .map_err(|e| StoreError::Backend(format!("opening read connections: {e}")))?;
        Ok(Readers {
            slots,
            next: AtomicUsize::new(0),
            statements: AtomicU64::new(0),
        })
    }

    /// Runs `read` on a free connection, or waits for the next one in turn.
    pub fn query(&self, sql: &str, args: &[Value]) -> StoreResult<Vec<Row>> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.slots.len();
        let free = (0..count).find_map(|i| self.slots.get((start + i) % count)?.try_lock().ok());
        let conn = match free {
            Some(conn) => conn,
            // A poisoned lock only means another reader panicked; the connection is still sound.
            None => self
                .slots
                .get(start % count)
                .ok_or_else(|| StoreError::Backend("no read connection".into()))?
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        };
        query(&conn, sql, args)
    }

    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_keep_their_numbers() {
        assert_eq!(
            numbered("UPDATE t SET a = $2 WHERE id = $1 AND b = '$x'"),
            "UPDATE t SET a = ?2 WHERE id = ?1 AND b = '$x'"
        );
    }
}
