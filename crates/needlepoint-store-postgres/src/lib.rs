//! Needlepoint on PostgreSQL, for a clinic group or a clinic that wants a managed database and
//! more than one application server.
//!
//! The schema is the SQLite engine's (same tables, columns and migration versions; a test compares
//! them) and keeps to what PostgreSQL-compatible distributed engines also run: no triggers, no
//! LISTEN/NOTIFY, and migrations that can run without an advisory lock (`single_migrator`).
//!
//! The records, statements and rules are the shared SQL's (`needlepoint-store-sql`); this crate
//! adds reads through a pool, every write through one group writer per server (`writer`: a batch
//! per transaction, the audit chain's end locked first so that several servers take turns, a
//! collided batch run again), the migrations, and backup and copy with PostgreSQL's own tools.
//! Serializable isolation was tried first: two servers appending at once aborted each other as
//! "pivots" over and over (a livelock), where a lock simply queues them. A commit returns once
//! PostgreSQL has flushed its WAL (`synchronous_commit`, checked at start).

pub mod backup;
pub mod scratch;
mod transfer;
mod writer;

use std::sync::Arc;
use std::time::Duration;

use needlepoint_store::{StoreError, StoreResult};
use needlepoint_store_sql::SqlStore;
use needlepoint_store_sql::engine::{Engine, Write};
use needlepoint_store_sql::value::{Row, Value};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{Column, ConnectOptions, PgPool, Postgres, Row as _, TypeInfo};

use writer::PgWriter;

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Constraints that only a concurrent writer can break: the next link of the audit chain, the next
/// number of a client's intake, the next version of a consent text. Breaking one means "someone
/// wrote first", so the batch is run again rather than reported as a duplicate.
const RACE_CONSTRAINTS: [&str; 3] = [
    "audit_log_pkey",
    "intakes_client_id_number_key",
    "consent_templates_kind_version_key",
];

/// A clinic's records in one PostgreSQL database.
pub type PgStore = SqlStore<PgEngine>;

/// Reads through a pool; writes through this server's group writer.
#[derive(Clone, Debug)]
pub struct PgEngine {
    pool: PgPool,
    writer: PgWriter,
}

/// How to open the database.
#[derive(Clone, Debug)]
pub struct PgOptions {
    /// Apply missing migrations at open.
    pub migrate: bool,
    /// Migrate without PostgreSQL's advisory lock (for engines without one); only one process may
    /// migrate at a time.
    pub single_migrator: bool,
    pub max_connections: u32,
}

impl Default for PgOptions {
    fn default() -> PgOptions {
        PgOptions {
            migrate: true,
            single_migrator: false,
            max_connections: 16,
        }
    }
}

/// The migrations this engine applies, by version (for the cross-engine check).
pub fn migration_versions() -> Vec<i64> {
    MIGRATOR.iter().map(|m| m.version).collect()
}

/// Applies the migrations that are missing.
pub async fn migrate(pool: &PgPool, single_migrator: bool) -> Result<(), sqlx::migrate::MigrateError> {
    if single_migrator {
        let mut migrator = Migrator::with_migrations(MIGRATOR.iter().cloned().collect());
        migrator.set_locking(false);
        migrator.run(pool).await
    } else {
        MIGRATOR.run(pool).await
    }
}

/// A database error in the store's terms.
fn backend(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        let code = db.code().unwrap_or_default();
        // 40001 serialization failure, 40P01 deadlock: nothing was written; try again.
        if code == "40001" || code == "40P01" {
            return StoreError::Busy(db.message().to_string());
        }
        if db.is_unique_violation() {
            if db.constraint().is_some_and(|c| RACE_CONSTRAINTS.contains(&c)) {
                return StoreError::Busy(db.message().to_string());
            }
            return StoreError::Duplicate(db.message().to_string());
        }
    }
    StoreError::Backend(error.to_string())
}

/// Binds the values in order.
fn with_args<'q>(
    mut query: sqlx::query::Query<'q, Postgres, PgArguments>,
    args: &'q [Value],
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    for value in args {
        query = match value {
            Value::Int(v) => query.bind(*v),
            Value::Real(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.as_deref()),
            Value::Blob(v) => query.bind(v.as_deref()),
        };
    }
    query
}

/// PostgreSQL's rows as the shared SQL reads them.
fn query_rows(rows: &[PgRow]) -> StoreResult<Vec<Row>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let names: Arc<[String]> = first.columns().iter().map(|c| c.name().to_string()).collect();
    let kinds: Vec<&str> = first.columns().iter().map(|c| c.type_info().name()).collect();
    rows.iter()
        .map(|row| {
            let values = kinds
                .iter()
                .enumerate()
                .map(|(i, kind)| cell(row, i, kind))
                .collect::<StoreResult<Vec<Value>>>()?;
            Ok(Row::new(names.clone(), values))
        })
        .collect()
}

fn cell(row: &PgRow, i: usize, kind: &str) -> StoreResult<Value> {
    let failed = |e: sqlx::Error| StoreError::Backend(format!("column {i} ({kind}): {e}"));
    Ok(match kind {
        "INT8" => Value::Int(row.try_get::<Option<i64>, _>(i).map_err(failed)?),
        "INT4" => Value::Int(row.try_get::<Option<i32>, _>(i).map_err(failed)?.map(i64::from)),
        "INT2" => Value::Int(row.try_get::<Option<i16>, _>(i).map_err(failed)?.map(i64::from)),
        "BOOL" => Value::Int(row.try_get::<Option<bool>, _>(i).map_err(failed)?.map(i64::from)),
        "FLOAT8" => Value::Real(row.try_get::<Option<f64>, _>(i).map_err(failed)?),
        "BYTEA" => Value::Blob(row.try_get::<Option<Vec<u8>>, _>(i).map_err(failed)?),
        _ => Value::Text(row.try_get::<Option<String>, _>(i).map_err(failed)?),
    })
}

/// Connects to `url` (`postgres://…`). The database must exist: a mistyped name is an error,
/// never a new empty clinic.
pub async fn open(url: &str, options: PgOptions) -> StoreResult<PgStore> {
    Ok(SqlStore::new(PgEngine::open(url, options).await?))
}

impl PgEngine {
    pub async fn open(url: &str, options: PgOptions) -> StoreResult<PgEngine> {
        let connect: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))?;
        let connect = connect
            .application_name("needlepoint")
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(2));
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect.clone())
            .await
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        if options.migrate {
            migrate(&pool, options.single_migrator)
                .await
                .map_err(|e| StoreError::Backend(format!("migrating PostgreSQL: {e}")))?;
        }
        warn_unless_durable(&pool).await;
        let writer = PgWriter::start(connect)?;
        Ok(PgEngine { pool, writer })
    }

    /// The raw pool, for tests that must look at or tamper with what is stored.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl Engine for PgEngine {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend)
            .map(|_| ())
    }

    async fn query(&self, sql: &str, args: Vec<Value>) -> StoreResult<Vec<Row>> {
        let rows = with_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        query_rows(&rows)
    }

    async fn write<T, W>(&self, work: W) -> StoreResult<T>
    where
        T: Send + 'static,
        W: Write<T>,
    {
        self.writer.write(work).await
    }
}

/// An acknowledged write must be on disk: say so loudly when the server is set up otherwise.
async fn warn_unless_durable(pool: &PgPool) {
    for setting in ["fsync", "synchronous_commit"] {
        let value: Result<String, _> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SHOW {setting}")))
            .fetch_one(pool)
            .await;
        if let Ok(value) = value
            && value == "off"
        {
            tracing::warn!(
                setting,
                "PostgreSQL has {setting} = off: an acknowledged write can be lost in a crash"
            );
        }
    }
}
