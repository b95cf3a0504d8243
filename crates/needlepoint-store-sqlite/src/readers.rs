//! Point reads on plain read-only SQLite connections, run in place on the calling thread.
//!
//! sqlx runs every SQLite statement on its connection's own worker thread and hands the result
//! back over a channel. For a primary-key lookup of a few microseconds, the two thread hops cost
//! more than the query: profiling `bench/http.sh` put about 45% of the server's CPU in futex
//! waits and wake-ups. The hottest reads therefore go to a few read-only rusqlite connections
//! behind mutexes and run directly on the async worker. In WAL mode a reader never waits for the
//! writer, so such a call lasts as long as the lookup itself; only bounded point lookups belong
//! here, never scans or searches.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use needlepoint_store::{Client, ClientFields, StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// A small set of read-only connections to one database file.
pub struct Readers {
    slots: Vec<Mutex<Connection>>,
    next: AtomicUsize,
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
                Ok(Mutex::new(conn))
            })
            .collect::<Result<Vec<_>, rusqlite::Error>>()
            .map_err(|e| StoreError::Backend(format!("opening read connections: {e}")))?;
        Ok(Readers {
            slots,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs `read` on a free connection, or waits for the next one in turn.
    fn with<T>(&self, read: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> StoreResult<T> {
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

    pub fn client(&self, id: &str) -> StoreResult<Option<Client>> {
        self.with(|conn| {
            conn.prepare_cached(
                "SELECT id, given_name, family_name, birth_date, email, phone, version, archived,
                        created_at, updated_at
                 FROM clients WHERE id = ?1",
            )?
            .query_row([id], |row| {
                Ok(Client {
                    id: row.get(0)?,
                    fields: ClientFields {
                        given_name: row.get(1)?,
                        family_name: row.get(2)?,
                        birth_date: row.get(3)?,
                        email: row.get(4)?,
                        phone: row.get(5)?,
                    },
                    version: row.get(6)?,
                    archived: row.get(7)?,
                    created_at: row.get(8)?,
                    updated_at: row.get(9)?,
                })
            })
            .optional()
        })
    }
}
