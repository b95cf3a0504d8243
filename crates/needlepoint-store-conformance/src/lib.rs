//! Fresh stores of each engine, for tests: an SQLite file in a folder of its own, or a PostgreSQL
//! database of its own (created on the server `NEEDLEPOINT_TEST_PG_URL` names and dropped
//! afterwards). The storage suite in `tests/` runs against every engine available; the HTTP and
//! process suites take their engine from `NEEDLEPOINT_TEST_ENGINE`.

use std::path::PathBuf;
use std::sync::Arc;

use needlepoint_store::{Store, StoreError, StoreResult};
use needlepoint_store_postgres::scratch::ScratchDatabase;
use needlepoint_store_postgres::{PgOptions, PgStore};
use needlepoint_store_sql::transfer::Tables;
use needlepoint_store_sqlite::SqliteStore;

/// Where the PostgreSQL tests may create their databases.
pub const PG_URL_VARIABLE: &str = "NEEDLEPOINT_TEST_PG_URL";
/// Which engine the HTTP and process suites run on: `sqlite` (the default) or `postgres`.
pub const ENGINE_VARIABLE: &str = "NEEDLEPOINT_TEST_ENGINE";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine `NEEDLEPOINT_TEST_ENGINE` names; SQLite when it is unset.
    pub fn from_env() -> StoreResult<Engine> {
        match std::env::var(ENGINE_VARIABLE).as_deref() {
            Err(_) | Ok("") | Ok("sqlite") => Ok(Engine::Sqlite),
            Ok("postgres") => Ok(Engine::Postgres),
            Ok(other) => Err(StoreError::Backend(format!(
                "{ENGINE_VARIABLE}={other}: expected sqlite or postgres"
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// What keeps a test's database alive; dropping it removes the database.
#[derive(Debug)]
enum Place {
    Folder(PathBuf),
    /// Held only to be dropped (with the database) when the test ends.
    Database {
        _scratch: ScratchDatabase,
    },
}

/// A fresh, migrated store and the URL that opens it (for a server process of a test's own).
pub struct TestStore {
    pub store: Arc<dyn Store>,
    /// The same database, table by table (for copies between engines).
    pub tables: Arc<dyn Tables>,
    pub url: String,
    pub engine: Engine,
    /// The SQLite store itself, for tests of what only the embedded engine has.
    pub sqlite: Option<Arc<SqliteStore>>,
    place: Place,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Place::Folder(dir) = &self.place {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl TestStore {
    /// A folder of the test's own, beside (or for SQLite, holding) the database.
    pub fn folder(&self) -> Option<&PathBuf> {
        match &self.place {
            Place::Folder(dir) => Some(dir),
            Place::Database { .. } => None,
        }
    }
}

/// The PostgreSQL server the tests may use, or why PostgreSQL tests are skipped.
pub fn postgres_server() -> Result<String, String> {
    std::env::var(PG_URL_VARIABLE).map_err(|_| {
        format!(
            "skipped on PostgreSQL: set {PG_URL_VARIABLE} (e.g. postgres://postgres@127.0.0.1:5432/test) to run it; .ci/run does"
        )
    })
}

/// A fresh database of `engine` with nothing in it but the schema.
pub async fn fresh(engine: Engine) -> StoreResult<TestStore> {
    match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join(format!("needlepoint-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).map_err(|e| StoreError::Backend(e.to_string()))?;
            let url = format!("sqlite://{}", dir.join("needlepoint.db").display());
            let store: Arc<SqliteStore> = Arc::new(needlepoint_store_sqlite::open(&url, true).await?);
            Ok(TestStore {
                store: store.clone(),
                tables: Arc::new(store.engine().clone()),
                url,
                engine,
                sqlite: Some(store),
                place: Place::Folder(dir),
            })
        }
        Engine::Postgres => {
            let server = postgres_server().map_err(StoreError::Backend)?;
            let database = ScratchDatabase::create(&server)
                .await
                .map_err(|e| StoreError::Backend(format!("creating a scratch database: {e}")))?;
            let url = database.url().to_string();
            let store: Arc<PgStore> =
                Arc::new(needlepoint_store_postgres::open(&url, PgOptions::default()).await?);
            Ok(TestStore {
                tables: Arc::new(store.engine().clone()),
                store,
                url,
                engine,
                sqlite: None,
                place: Place::Database { _scratch: database },
            })
        }
    }
}

/// A fresh store on the engine `NEEDLEPOINT_TEST_ENGINE` names.
pub async fn fresh_from_env() -> StoreResult<TestStore> {
    fresh(Engine::from_env()?).await
}

/// Raw SQL for tests that look beneath the store or tamper with it, on either engine.
impl TestStore {
    /// Runs one statement; the rows it changed, or the database's refusal as text.
    pub async fn execute(&self, statement: &str) -> Result<u64, String> {
        let statement = sqlx::AssertSqlSafe(statement.to_string());
        match &self.sqlite {
            Some(sqlite) => sqlx::query(statement)
                .execute(sqlite.engine().pool())
                .await
                .map(|done| done.rows_affected()),
            None => {
                let pool = sqlx::PgPool::connect(&self.url)
                    .await
                    .map_err(|e| e.to_string())?;
                let done = sqlx::query(statement).execute(&pool).await;
                pool.close().await;
                done.map(|done| done.rows_affected())
            }
        }
        .map_err(|e| e.to_string())
    }

    /// The first column of every row, as text.
    pub async fn texts(&self, query: &str) -> Result<Vec<String>, String> {
        let query = sqlx::AssertSqlSafe(query.to_string());
        match &self.sqlite {
            Some(sqlite) => sqlx::query_scalar(query).fetch_all(sqlite.engine().pool()).await,
            None => {
                let pool = sqlx::PgPool::connect(&self.url)
                    .await
                    .map_err(|e| e.to_string())?;
                let rows = sqlx::query_scalar(query).fetch_all(&pool).await;
                pool.close().await;
                rows
            }
        }
        .map_err(|e| e.to_string())
    }

    /// One number (a count).
    pub async fn number(&self, query: &str) -> Result<i64, String> {
        let query = sqlx::AssertSqlSafe(query.to_string());
        match &self.sqlite {
            Some(sqlite) => sqlx::query_scalar(query).fetch_one(sqlite.engine().pool()).await,
            None => {
                let pool = sqlx::PgPool::connect(&self.url)
                    .await
                    .map_err(|e| e.to_string())?;
                let value = sqlx::query_scalar(query).fetch_one(&pool).await;
                pool.close().await;
                value
            }
        }
        .map_err(|e| e.to_string())
    }
}
