//! Needlepoint on PostgreSQL, for a clinic group or a clinic that wants a managed database and
//! more than one application server.
//!
//! The schema is the SQLite engine's (same tables, columns and migration versions; a test compares
//! them) and keeps to what PostgreSQL-compatible distributed engines also run: no triggers, no
//! LISTEN/NOTIFY, and migrations that can run without an advisory lock (`single_migrator`).
//!
//! Every audited write extends the one audit chain, so audited writes take turns, as SQLite's
//! `BEGIN IMMEDIATE` makes them: within a server on a local lock, and between servers by locking
//! the chain's last entry (`SELECT … FOR UPDATE`) before anything else. A writer that waited may
//! find the chain has grown meanwhile; its append then takes a number already taken, and the whole
//! transaction runs again, as it does on a serialization failure (SQLSTATE 40001, which
//! PostgreSQL-compatible serializable engines report). Serializable isolation was tried first: two
//! servers appending at once aborted each other as "pivots" over and over (a livelock), where a
//! lock simply queues them. A commit returns once PostgreSQL has flushed its WAL
//! (`synchronous_commit`, checked at start).

pub mod backup;
pub mod scratch;
mod store;
mod transfer;

use std::time::Duration;

use needlepoint_store::{StoreError, StoreResult};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How many times a write that collided with another server's is tried in all.
const MAX_ATTEMPTS: u32 = 12;

/// Constraints that only a concurrent writer can break: the next link of the audit chain, the next
/// number of a client's intake, the next version of a consent text. Breaking one means "someone
/// wrote first", so the transaction is retried rather than reported as a duplicate.
const RACE_CONSTRAINTS: [&str; 3] = [
    "audit_log_pkey",
    "intakes_client_id_number_key",
    "consent_templates_kind_version_key",
];

/// A clinic's records in one PostgreSQL database.
#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    /// Audited writes of this server take turns: they all extend the one audit chain.
    writes: tokio::sync::Mutex<()>,
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

impl PgStore {
    /// Connects to `url` (`postgres://…`). The database must exist: a mistyped name is an error,
    /// never a new empty clinic.
    pub async fn open(url: &str, options: PgOptions) -> StoreResult<PgStore> {
        let connect: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))?;
        let connect = connect
            .application_name("needlepoint")
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(2));
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        if options.migrate {
            migrate(&pool, options.single_migrator)
                .await
                .map_err(|e| StoreError::Backend(format!("migrating PostgreSQL: {e}")))?;
        }
        warn_unless_durable(&pool).await;
        Ok(PgStore {
            pool,
            writes: tokio::sync::Mutex::new(()),
        })
    }

    /// The raw pool, for tests that must look at or tamper with what is stored.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.pool.begin().await.map_err(backend)
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

/// Waits a little before trying a collided write again, longer each time, with jitter so that two
/// servers do not collide in step.
async fn backoff(attempt: u32) {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos() % 1000))
        .unwrap_or(0);
    let micros = 500 * u64::from(attempt.min(10)) + jitter * u64::from(attempt.min(10));
    tokio::time::sleep(Duration::from_micros(micros)).await;
}
