//! Point reads on plain read-only SQLite connections, run in place on the calling thread.
//!
//! sqlx runs every SQLite statement on its connection's own worker thread and hands the result
//! back over a channel. For a primary-key lookup of a few microseconds, the two thread hops cost
//! more than the query: profiling `bench/http.sh` put about 45% of the server's CPU in futex
//! waits and wake-ups. The hottest reads therefore go to a few read-only rusqlite connections
//! behind mutexes and run directly on the async worker. In WAL mode a reader never waits for the
//! writer, so such a call lasts as long as the lookup itself; only bounded lookups by key belong
//! here (a record, a client's records, a lot's uses), never scans or searches.

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use needlepoint_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags, ToSql};

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

fn failed(error: rusqlite::Error) -> StoreError {
    StoreError::Backend(error.to_string())
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
                conn.set_prepared_statement_cache_capacity(64);
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
    fn with<T>(&self, read: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> StoreResult<T> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let free =
            (0..self.slots.len()).find_map(|i| self.slots[(start + i) % self.slots.len()].try_lock().ok());
        let conn = match free {
            Some(conn) => conn,
            // A poisoned lock only means another reader panicked; the connection is still sound.
            None => self.slots[start % self.slots.len()]
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        };
        read(&conn).map_err(failed)
    }

    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The one row `sql` finds, if any, mapped by `map`.
    pub fn one<T>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        map: impl Fn(&rusqlite::Row<'_>) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        self.with(|conn| Ok(query_one(conn, sql, params, map)))?
    }

    /// Every row `sql` finds, mapped by `map`.
    pub fn all<T>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        map: impl Fn(&rusqlite::Row<'_>) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        self.with(|conn| {
            let mut statement = conn.prepare_cached(sql)?;
            let mut rows = statement.query(params)?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                found.push(map(row));
            }
            Ok(found)
        })?
        .into_iter()
        .collect()
    }
}

/// The one row `sql` finds on `conn`, if any, mapped by `map`.
pub fn query_one<T>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
    map: impl Fn(&rusqlite::Row<'_>) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let mut statement = conn.prepare_cached(sql).map_err(failed)?;
    let mut rows = statement.query(params).map_err(failed)?;
    rows.next().map_err(failed)?.map(map).transpose()
}
