//! What an SQL engine provides, and the one way every write is made.
//!
//! An engine ([`Engine`]) answers reads and runs writes. Every write (a job) goes to the engine's
//! group writer: one connection that takes every job waiting, opens one transaction, runs each
//! job in its own savepoint (a job that fails is rolled back alone), appends each job's audit
//! entries to the chain as it goes, commits once, and only then answers each job. An answer
//! always means durable; under load many writes share one commit (one fsync, one WAL flush).
//!
//! What differs between engines is only how that transaction begins (SQLite: `BEGIN IMMEDIATE`;
//! PostgreSQL: lock the chain's end so that several servers take turns), whether a collision is
//! retried (PostgreSQL), and how rows are read. The jobs themselves, the batch
//! ([`run_batch`]) and the SQL are written once, here.

use std::future::Future;
use std::pin::Pin;

use needlepoint_store::chain::ChainHead;
use needlepoint_store::{NewAuditEntry, StoreError, StoreResult};

use crate::value::{Row, Value};

/// A boxed future that need not be `Send`: writes run on their engine's writer thread.
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A connection inside a write transaction.
pub trait Conn {
    /// Runs a statement; returns the number of rows it changed.
    fn execute<'a>(&'a mut self, sql: &'a str, args: &'a [Value]) -> LocalFuture<'a, StoreResult<u64>>;
    /// Runs a query; returns its rows.
    fn query<'a>(&'a mut self, sql: &'a str, args: &'a [Value]) -> LocalFuture<'a, StoreResult<Vec<Row>>>;
}

/// What a job sees: the transaction's connection and the audit chain's end.
pub struct Tx<'c> {
    conn: &'c mut dyn Conn,
    head: &'c mut ChainHead,
}

impl Tx<'_> {
    pub async fn execute(&mut self, sql: &str, args: &[Value]) -> StoreResult<u64> {
        self.conn.execute(sql, args).await
    }

    pub async fn query(&mut self, sql: &str, args: &[Value]) -> StoreResult<Vec<Row>> {
        self.conn.query(sql, args).await
    }

    /// The first row, if any.
    pub async fn query_optional(&mut self, sql: &str, args: &[Value]) -> StoreResult<Option<Row>> {
        Ok(self.conn.query(sql, args).await?.into_iter().next())
    }

    /// Appends `entries` to the audit chain, in this job's savepoint: they commit with the change
    /// they describe, or not at all.
    pub async fn audit(&mut self, entries: &[NewAuditEntry]) -> StoreResult<()> {
        let links = self.head.extend(entries);
        // One multi-row INSERT per chunk: a statement is a round trip on some engines.
        for chunk in links.iter().zip(entries).collect::<Vec<_>>().chunks(200) {
            let mut sql = String::from(
                "INSERT INTO audit_log (seq, at, user_id, client_id, action, outcome, detail, prev_hash, hash) VALUES ",
            );
            let mut args = Vec::with_capacity(chunk.len() * 9);
            for (i, (link, entry)) in chunk.iter().enumerate() {
                let n = i * 9;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5,
                    n + 6,
                    n + 7,
                    n + 8,
                    n + 9
                ));
                args.extend([
                    Value::from(link.seq),
                    Value::from(link.at.as_str()),
                    Value::from(entry.user_id.as_ref()),
                    Value::from(entry.client_id.as_ref()),
                    Value::from(entry.action.name()),
                    Value::from(entry.outcome.name()),
                    Value::from(entry.detail.as_str()),
                    Value::from(link.prev_hash.as_str()),
                    Value::from(link.hash.as_str()),
                ]);
            }
            self.conn.execute(&sql, &args).await?;
        }
        Ok(())
    }
}

/// The chain's last entry, read inside the transaction that will extend it.
pub async fn chain_head(conn: &mut dyn Conn) -> StoreResult<ChainHead> {
    let rows = conn
        .query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &[])
        .await?;
    match rows.into_iter().next() {
        None => Ok(ChainHead::genesis()),
        Some(mut row) => Ok(ChainHead {
            seq: row.int("seq")?,
            hash: row.text("hash")?,
        }),
    }
}

/// How a job went inside the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    /// Failed for a reason of its own: rolled back alone; the batch goes on.
    Failed,
    /// Collided with another writer (PostgreSQL): the whole batch must run again.
    Busy,
}

/// A write waiting in the engine's queue, its type erased.
pub trait Job: Send {
    /// Runs the write inside the batch's transaction (again, should the batch be retried).
    fn run<'a>(&'a mut self, tx: &'a mut Tx<'_>) -> LocalFuture<'a, JobOutcome>;
    /// Answers the caller once the batch's commit is known.
    fn answer(self: Box<Self>, commit: StoreResult<()>);
}

/// The write a caller hands to [`Engine::write`]: an async closure over the transaction. It may
/// run more than once (a retried batch), so it borrows what it captured rather than moving it.
pub trait Write<T>: for<'a, 'b> AsyncFnMut(&'a mut Tx<'b>) -> StoreResult<T> + Send + 'static {}

impl<T, W> Write<T> for W where W: for<'a, 'b> AsyncFnMut(&'a mut Tx<'b>) -> StoreResult<T> + Send + 'static {}

/// A caller's write and where its answer goes.
pub struct WriteJob<T, W> {
    write: W,
    result: Option<StoreResult<T>>,
    reply: tokio::sync::oneshot::Sender<StoreResult<T>>,
}

impl<T, W> WriteJob<T, W> {
    pub fn new(write: W, reply: tokio::sync::oneshot::Sender<StoreResult<T>>) -> WriteJob<T, W> {
        WriteJob {
            write,
            result: None,
            reply,
        }
    }
}

impl<T: Send + 'static, W: Write<T>> Job for WriteJob<T, W> {
    fn run<'a>(&'a mut self, tx: &'a mut Tx<'_>) -> LocalFuture<'a, JobOutcome> {
        Box::pin(async move {
            let result = (self.write)(tx).await;
            let outcome = match &result {
                Ok(_) => JobOutcome::Done,
                Err(StoreError::Busy(_)) => JobOutcome::Busy,
                Err(_) => JobOutcome::Failed,
            };
            self.result = Some(result);
            outcome
        })
    }

    fn answer(self: Box<Self>, commit: StoreResult<()>) {
        let answer = match commit {
            Ok(()) => self.result.unwrap_or_else(|| {
                Err(StoreError::Backend(
                    "the write never ran; nothing was saved".into(),
                ))
            }),
            Err(error) => Err(error),
        };
        // The caller may have gone (a dropped request); the write stands all the same.
        let _ = self.reply.send(answer);
    }
}

/// Sends `work` to a writer and waits for its answer.
pub async fn submit<T, W>(send: impl FnOnce(Box<dyn Job>) -> Result<(), ()>, work: W) -> StoreResult<T>
where
    T: Send + 'static,
    W: Write<T>,
{
    let (reply, answered) = tokio::sync::oneshot::channel();
    let stopped = || StoreError::Backend("the database writer has stopped; nothing was saved".into());
    send(Box::new(WriteJob::new(work, reply))).map_err(|()| stopped())?;
    answered.await.map_err(|_| stopped())?
}

/// Runs a batch of jobs inside an open transaction, each in its own savepoint, extending the chain
/// from `head`. Returns whether any job collided with another writer (the batch must then be
/// rolled back and run again).
pub async fn run_batch(
    conn: &mut dyn Conn,
    head: &mut ChainHead,
    jobs: &mut [Box<dyn Job>],
) -> StoreResult<bool> {
    let mut busy = false;
    for job in jobs.iter_mut() {
        conn.execute("SAVEPOINT job", &[]).await?;
        let before = head.clone();
        let outcome = job.run(&mut Tx { conn, head }).await;
        if outcome != JobOutcome::Done {
            conn.execute("ROLLBACK TO SAVEPOINT job", &[]).await?;
            *head = before;
        }
        conn.execute("RELEASE SAVEPOINT job", &[]).await?;
        if outcome == JobOutcome::Busy {
            busy = true;
            break;
        }
    }
    Ok(busy)
}

/// An SQL engine: reads, and writes through its group writer.
pub trait Engine: Send + Sync + 'static {
    /// Is the database answering?
    fn ping(&self) -> impl Future<Output = StoreResult<()>> + Send;
    /// Runs one read statement (outside any write transaction).
    fn query(&self, sql: &str, args: Vec<Value>) -> impl Future<Output = StoreResult<Vec<Row>>> + Send;
    /// Runs `work` in the next write transaction and returns its result once that is durable.
    fn write<T, W>(&self, work: W) -> impl Future<Output = StoreResult<T>> + Send
    where
        T: Send + 'static,
        W: Write<T>;
}
