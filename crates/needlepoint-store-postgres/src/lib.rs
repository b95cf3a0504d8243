//! Needlepoint on PostgreSQL, for a clinic group or a clinic that wants a managed database and
//! more than one application server.
//!
//! So far this crate holds the schema: the same tables and columns as the SQLite engine, with
//! migrations of the same version numbers (a test compares both lists and both schemas). The
//! schema keeps to what PostgreSQL-compatible distributed engines also run: no triggers, no
//! advisory locks in the migrations themselves. The `Store` implementation comes next (issue 5).

use sqlx::PgPool;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The migrations this engine applies, by version (for the cross-engine check).
pub fn migration_versions() -> Vec<i64> {
    MIGRATOR.iter().map(|m| m.version).collect()
}

/// Applies the migrations that are missing.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}
