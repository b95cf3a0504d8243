//! The group writer: one plain read-write connection on a thread of its own, committing the writes
//! that arrive together in one transaction (group commit).
//!
//! Each write is a job. The writer takes every job waiting, opens one `BEGIN IMMEDIATE`
//! transaction, runs each job inside its own savepoint (a job that fails is rolled back alone and
//! the others go on), commits once, and only then answers each job: an answer always means
//! durable (`synchronous=FULL`: the WAL is fsynced before the commit returns). Under load many
//! writes share one fsync; alone, a write waits for nothing but its own commit.
//!
//! It carries the audit log's batches (reads, logins, refusals) and chart saves; each job that
//! changes health data appends its audit entry inside its own savepoint. Writes still made
//! through sqlx take the same SQLite write lock (`BEGIN IMMEDIATE`), so the chain stays one
//! sequence.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use needlepoint_store::{NewAuditEntry, StoreError, StoreResult};
use needlepoint_store_sql::chain_links;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use tokio::sync::oneshot;

/// The most jobs one transaction takes; more wait for the next.
const MAX_JOBS: usize = 512;

pub fn failed(error: rusqlite::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

/// Appends entries to the audit chain inside the caller's transaction.
pub fn append_entries(conn: &Connection, entries: &[NewAuditEntry]) -> StoreResult<()> {
    let last = conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(failed)?;
    let mut insert = conn
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
    Ok(())
}

/// What a job did, and how to answer its caller once the commit's result is known.
struct Outcome {
    ok: bool,
    answer: Box<dyn FnOnce(Result<(), String>) + Send>,
}

/// Runs inside the shared transaction. A job dropped without running (the transaction could not
/// begin) answers its caller with an error through its closed channel.
type Job = Box<dyn FnOnce(&Connection) -> Outcome + Send>;

#[derive(Clone)]
pub struct GroupWriter {
    jobs: mpsc::Sender<Job>,
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
            // The same durability as every other write: the WAL is fsynced before the commit returns.
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.busy_timeout(Duration::from_secs(10))?;
            conn.set_prepared_statement_cache_capacity(64);
            Ok(conn)
        })
        .map_err(|e| StoreError::Backend(format!("opening the group writer: {e}")))?;
        let (jobs, incoming) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("needlepoint-writer".into())
            .spawn(move || run(&conn, &incoming))
            .map_err(|e| StoreError::Backend(format!("starting the group writer: {e}")))?;
        Ok(GroupWriter { jobs })
    }

    /// Runs `write` in the next shared transaction; returns its result once the commit is durable.
    /// A failed write is rolled back alone; a failed commit fails every write it carried.
    pub async fn write<T: Send + 'static>(
        &self,
        write: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = write(conn);
            Outcome {
                ok: result.is_ok(),
                answer: Box::new(move |commit: Result<(), String>| {
                    let _ = answer.send(match commit {
                        Ok(()) => result,
                        Err(error) => Err(StoreError::Backend(format!(
                            "the commit failed, nothing was saved: {error}"
                        ))),
                    });
                }),
            }
        });
        let stopped = || StoreError::Backend("the write could not be made; nothing was saved".into());
        self.jobs.send(job).map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

fn run(conn: &Connection, incoming: &mpsc::Receiver<Job>) {
    while let Ok(first) = incoming.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_JOBS {
            match incoming.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
            tracing::error!(%error, "the group writer cannot begin a transaction");
            continue; // dropping the jobs answers each caller with an error
        }
        let mut answers = Vec::with_capacity(batch.len());
        for job in batch {
            if conn.execute_batch("SAVEPOINT job").is_err() {
                continue;
            }
            let outcome = job(conn);
            if !outcome.ok {
                let _ = conn.execute_batch("ROLLBACK TO job");
            }
            let _ = conn.execute_batch("RELEASE job");
            answers.push(outcome.answer);
        }
        let commit = conn.execute_batch("COMMIT").map_err(|e| e.to_string());
        if commit.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for answer in answers {
            answer(commit.clone());
        }
    }
}
