//! The embedded engine: one SQLite file.
//!
//! Durability: WAL journal with `synchronous = FULL`, so a transaction is on disk (the WAL is
//! fsynced) before the commit returns: every acknowledged write survives a crash or power loss.
//! `NORMAL` would be faster but may lose the last commits on power loss, which a clinic's records
//! cannot afford.
//!
//! What this crate adds to the shared SQL (`needlepoint-store-sql`): reads on plain read-only
//! connections in place on the async worker (`readers`), every write through one group writer
//! (`group_writer`), the migrations, a background checkpoint, backup and copy. sqlx's pool serves
//! migrations, backup and copy only.

pub mod backup;
mod group_writer;
mod readers;
mod transfer;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use needlepoint_store::{StoreError, StoreResult};
use needlepoint_store_sql::SqlStore;
use needlepoint_store_sql::engine::{Engine, Write};
use needlepoint_store_sql::value::{Row, Value};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use group_writer::GroupWriter;
use readers::Readers;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A clinic's records in one SQLite file.
pub type SqliteStore = SqlStore<SqliteEngine>;

/// One SQLite file: read connections, the group writer, and a pool for the rest.
#[derive(Clone, Debug)]
pub struct SqliteEngine {
    pool: SqlitePool,
    readers: Arc<Readers>,
    writer: GroupWriter,
}

fn backend(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Duplicate(db.message().to_string())
        }
        _ => StoreError::Backend(error.to_string()),
    }
}

/// Opens (and migrates) the database at `url` (`sqlite://path` or a plain path). With
/// `create_if_missing` false a missing file is an error, so a mistyped path never starts an empty
/// clinic.
pub async fn open(url: &str, create_if_missing: bool) -> StoreResult<SqliteStore> {
    Ok(SqlStore::new(SqliteEngine::open(url, create_if_missing).await?))
}

impl SqliteEngine {
    pub async fn open(url: &str, create_if_missing: bool) -> StoreResult<SqliteEngine> {
        let url = if url.starts_with("sqlite:") {
            url.to_string()
        } else {
            format!("sqlite://{url}")
        };
        let options = SqliteConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Backend(format!("invalid SQLite URL {url}: {e}")))?
            .create_if_missing(create_if_missing)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if options.get_filename() == std::path::Path::new(":memory:") {
            return Err(StoreError::Backend(
                "an in-memory database cannot be shared by the read connections: use a file".into(),
            ));
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options.clone())
            .await
            .map_err(|e| StoreError::Backend(format!("cannot open {url}: {e}")))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrating {url}: {e}")))?;
        let readers = Arc::new(Readers::open(options.get_filename())?);
        let writer = GroupWriter::open(options.get_filename())?;
        spawn_checkpointer(pool.clone());
        Ok(SqliteEngine {
            pool,
            readers,
            writer,
        })
    }

    /// How many statements the read connections have run since the store opened.
    pub fn read_statements(&self) -> u64 {
        self.readers.statements()
    }

    /// The migrations this engine applies, by version (for the cross-engine check).
    pub fn migration_versions() -> Vec<i64> {
        MIGRATOR.iter().map(|m| m.version).collect()
    }

    /// The raw pool, for tests that must tamper with what is stored.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

impl Engine for SqliteEngine {
    async fn ping(&self) -> StoreResult<()> {
        self.readers.query("SELECT 1", &[]).map(|_| ())
    }

    async fn query(&self, sql: &str, args: Vec<Value>) -> StoreResult<Vec<Row>> {
        self.readers.query(sql, &args)
    }

    async fn write<T, W>(&self, work: W) -> StoreResult<T>
    where
        T: Send + 'static,
        W: Write<T>,
    {
        self.writer.write(work).await
    }
}

/// Copies the WAL back into the database once a second, in the background and without blocking
/// anyone (PASSIVE), so that SQLite's automatic checkpoint rarely lands on a request's commit. The
/// automatic checkpoint stays on as the safety net should this task ever stop.
fn spawn_checkpointer(pool: SqlitePool) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                if pool.is_closed() {
                    break;
                }
                if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                    tracing::warn!(%error, "background checkpoint failed; the automatic one still runs");
                }
            }
        });
    }
}
