//! The group writer on PostgreSQL: one connection, on a thread of its own with its own small
//! runtime, commits the writes that arrive together in one transaction, as the SQLite engine's
//! does. A commit waits for PostgreSQL's WAL flush, so many writes sharing one commit share one
//! flush: that is what lifts durable writes from one per WAL flush to many.
//!
//! Several servers may share the database. Each batch first locks the audit chain's last entry
//! (`SELECT … FOR UPDATE`), so the servers' batches take turns on the one chain. Should two still
//! collide (an empty chain, a serializable engine's 40001, a deadlock), the whole batch is rolled
//! back and run again after a short, growing, jittered pause; after `MAX_ATTEMPTS` each job is
//! answered "busy" and may simply be sent again.

use std::time::Duration;

use needlepoint_store::{StoreError, StoreResult};
use needlepoint_store_sql::engine::{Conn, Job, LocalFuture, Write, chain_head, run_batch, submit};
use needlepoint_store_sql::value::{Row, Value};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use tokio::sync::mpsc;

use crate::{backend, query_rows, with_args};

/// How many times a batch that collided with another server's writes is tried in all.
const MAX_ATTEMPTS: u32 = 12;
/// The most jobs one transaction takes; more wait for the next.
const MAX_JOBS: usize = 512;

struct PgConn<'a>(&'a mut PgConnection);

impl Conn for PgConn<'_> {
    fn execute<'a>(&'a mut self, sql: &'a str, args: &'a [Value]) -> LocalFuture<'a, StoreResult<u64>> {
        Box::pin(async move {
            let done = with_args(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
                .execute(&mut *self.0)
                .await
                .map_err(backend)?;
            Ok(done.rows_affected())
        })
    }

    fn query<'a>(&'a mut self, sql: &'a str, args: &'a [Value]) -> LocalFuture<'a, StoreResult<Vec<Row>>> {
        Box::pin(async move {
            let rows = with_args(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
                .fetch_all(&mut *self.0)
                .await
                .map_err(backend)?;
            query_rows(&rows)
        })
    }
}

#[derive(Clone, Debug)]
pub struct PgWriter {
    jobs: mpsc::UnboundedSender<Box<dyn Job>>,
}

impl PgWriter {
    /// Starts the writer's thread and connects it; fails if it cannot connect.
    pub fn start(options: PgConnectOptions) -> StoreResult<PgWriter> {
        let (jobs, incoming) = mpsc::unbounded_channel::<Box<dyn Job>>();
        let (ready, started) = std::sync::mpsc::channel::<StoreResult<()>>();
        std::thread::Builder::new()
            .name("needlepoint-pg-writer".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready.send(Err(StoreError::Backend(format!("the writer's runtime: {e}"))));
                        return;
                    }
                };
                runtime.block_on(run(options, incoming, ready));
            })
            .map_err(|e| StoreError::Backend(format!("starting the PostgreSQL writer: {e}")))?;
        started
            .recv()
            .map_err(|_| StoreError::Backend("the PostgreSQL writer stopped at start".into()))??;
        Ok(PgWriter { jobs })
    }

    /// Runs `work` in the next shared transaction; returns its result once the commit is durable.
    pub async fn write<T: Send + 'static, W: Write<T>>(&self, work: W) -> StoreResult<T> {
        submit(|job| self.jobs.send(job).map_err(|_| ()), work).await
    }
}

async fn connect(options: &PgConnectOptions) -> StoreResult<PgConnection> {
    PgConnection::connect_with(options)
        .await
        .map_err(|e| StoreError::Backend(format!("the writer cannot connect to PostgreSQL: {e}")))
}

async fn run(
    options: PgConnectOptions,
    mut incoming: mpsc::UnboundedReceiver<Box<dyn Job>>,
    ready: std::sync::mpsc::Sender<StoreResult<()>>,
) {
    let mut conn = match connect(&options).await {
        Ok(conn) => {
            let _ = ready.send(Ok(()));
            Some(conn)
        }
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    while let Some(first) = incoming.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_JOBS {
            match incoming.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A connection lost (a restarted server) is made again for the next batch.
        if conn.is_none() {
            conn = connect(&options).await.ok();
        }
        let commit = match conn.as_mut() {
            Some(c) => commit_batch(c, &mut batch).await,
            None => Err(StoreError::Backend(
                "PostgreSQL cannot be reached; nothing was saved".into(),
            )),
        };
        if let Err(StoreError::Backend(error)) = &commit {
            tracing::error!(%error, "a batch of writes failed");
            if let Some(mut c) = conn.take()
                && c.ping().await.is_ok()
            {
                conn = Some(c);
            }
        }
        for job in batch {
            job.answer(match &commit {
                Ok(()) => Ok(()),
                Err(StoreError::Busy(m)) => Err(StoreError::Busy(m.clone())),
                Err(error) => Err(StoreError::Backend(format!(
                    "the commit failed, nothing was saved: {error}"
                ))),
            });
        }
    }
}

/// Runs the batch in one transaction, again after a collision, and commits it.
async fn commit_batch(conn: &mut PgConnection, batch: &mut [Box<dyn Job>]) -> StoreResult<()> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let outcome = attempt_batch(conn, batch).await;
        let collided = matches!(outcome, Err(StoreError::Busy(_)));
        if outcome.is_err() {
            // Rolled back here and now: left to the connection's next use, its locks would stall
            // the retry and every other server.
            if let Err(error) = sqlx::query("ROLLBACK").execute(&mut *conn).await {
                tracing::warn!(%error, "rolling back a failed batch failed");
            }
        }
        if collided && attempt < MAX_ATTEMPTS {
            backoff(attempt).await;
            continue;
        }
        return outcome;
    }
}

async fn attempt_batch(conn: &mut PgConnection, batch: &mut [Box<dyn Job>]) -> StoreResult<()> {
    sqlx::query("BEGIN").execute(&mut *conn).await.map_err(backend)?;
    lock_chain(conn).await?;
    let mut pg = PgConn(conn);
    let mut head = chain_head(&mut pg).await?;
    if run_batch(&mut pg, &mut head, batch).await? {
        return Err(StoreError::Busy("another server wrote first".into()));
    }
    sqlx::query("COMMIT").execute(&mut *conn).await.map_err(backend)?;
    Ok(())
}

/// Waits for the audit chain: locks its last entry until this transaction ends. A writer that
/// waited for the lock holds what was the last entry when it asked; while the chain has grown
/// since, it waits for the new end.
async fn lock_chain(conn: &mut PgConnection) -> StoreResult<()> {
    loop {
        let locked: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1 FOR UPDATE")
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
        let newest: Option<i64> = sqlx::query_scalar("SELECT max(seq) FROM audit_log")
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;
        if locked == newest {
            return Ok(());
        }
    }
}

/// Waits a little before trying a collided batch again, longer each time, with jitter so that two
/// servers do not collide in step.
async fn backoff(attempt: u32) {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos() % 1000))
        .unwrap_or(0);
    let micros = 500 * u64::from(attempt.min(10)) + jitter * u64::from(attempt.min(10));
    tokio::time::sleep(Duration::from_micros(micros)).await;
}
