//! The group writer: one plain read-write connection on a thread of its own, committing the writes
//! that arrive together in one transaction (group commit).
//!
//! Every write of the store comes here as a job. The writer takes every job waiting, opens one
//! `BEGIN IMMEDIATE` transaction, runs the batch (`needlepoint_store_sql::engine::run_batch`: each
//! job in its own savepoint, its audit entries appended as it goes), commits once, and only then
//! answers each job: an answer always means durable (`synchronous=FULL`: the WAL is fsynced before
//! the commit returns). Under load many writes share one fsync; alone, a write waits for nothing
//! but its own commit.
//!
//! The jobs are async code written once for both engines; here the connection answers every
//! statement at once, so each batch's future completes on its first poll (`now_or_never`).

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use futures_util::FutureExt;
use needlepoint_store::{StoreError, StoreResult};
use needlepoint_store_sql::engine::{Conn, Job, LocalFuture, Write, chain_head, run_batch, submit};
use needlepoint_store_sql::value::{Row, Value};
use rusqlite::{Connection, OpenFlags};

use crate::readers;

/// The most jobs one transaction takes; more wait for the next.
const MAX_JOBS: usize = 512;

/// The writer's connection, as the shared batch code sees it.
struct SqliteConn<'a>(&'a Connection);

impl Conn for SqliteConn<'_> {
    fn execute<'a>(&'a mut self, sql: &'a str, args: &'a [Value]) -> LocalFuture<'a, StoreResult<u64>> {
        let done = readers::execute(self.0, sql, args);
        Box::pin(std::future::ready(done))
    }

    fn query<'a>(&'a mut self, sql: &'a str, args: &'a [Value]) -> LocalFuture<'a, StoreResult<Vec<Row>>> {
        let done = readers::query(self.0, sql, args);
        Box::pin(std::future::ready(done))
    }
}

#[derive(Clone)]
pub struct GroupWriter {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl std::fmt::Debug for GroupWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupWriter")
    }
}

impl GroupWriter {
    pub fn open(path: &Path) -> StoreResult<GroupWriter> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            // Every acknowledged write is on disk: the WAL is fsynced before the commit returns.
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.busy_timeout(Duration::from_secs(10))?;
            conn.set_prepared_statement_cache_capacity(128);
            Ok(conn)
        })
        .map_err(|e| StoreError::Backend(format!("opening the group writer: {e}")))?;
        let (jobs, incoming) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("needlepoint-writer".into())
            .spawn(move || run(&conn, &incoming))
            .map_err(|e| StoreError::Backend(format!("starting the group writer: {e}")))?;
        Ok(GroupWriter { jobs })
    }

    /// Runs `work` in the next shared transaction; returns its result once the commit is durable.
    pub async fn write<T: Send + 'static, W: Write<T>>(&self, work: W) -> StoreResult<T> {
        submit(|job| self.jobs.send(job).map_err(|_| ()), work).await
    }
}

fn run(conn: &Connection, incoming: &mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = incoming.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_JOBS {
            match incoming.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let commit = run_once(conn, &mut batch);
        if commit.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for job in batch {
            job.answer(match &commit {
                Ok(()) => Ok(()),
                Err(error) => Err(StoreError::Backend(format!(
                    "the commit failed, nothing was saved: {error}"
                ))),
            });
        }
    }
}

/// One transaction for the whole batch.
fn run_once(conn: &Connection, batch: &mut [Box<dyn Job>]) -> StoreResult<()> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(readers::failed)?;
    let mut sqlite = SqliteConn(conn);
    // SQLite has one writer, so no job ever collides with another's: the batch's "run again"
    // answer is always false here.
    let _collided = async {
        let mut head = chain_head(&mut sqlite).await?;
        run_batch(&mut sqlite, &mut head, batch).await
    }
    .now_or_never()
    .ok_or_else(|| StoreError::Backend("an SQLite statement did not finish at once".into()))??;
    conn.execute_batch("COMMIT").map_err(readers::failed)
}
