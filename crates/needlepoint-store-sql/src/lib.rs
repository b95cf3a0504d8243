//! Needlepoint's storage written once for every SQL engine: each aggregate's statements, the
//! logic around them (version checks, clash checks, the chart guard) and the mapping of rows to
//! records live here, in one module per aggregate, as [`SqlStore`] over any [`Engine`]. Each
//! engine crate supplies only what truly differs: its connections, how a write transaction
//! begins and retries, how a driver's rows become [`value::Row`]s, its migrations, backup and copy.

pub mod engine;
pub mod keys;
pub mod rows;
pub mod transfer;
pub mod value;

mod accounts;
mod audit;
mod book;
mod charts;
mod clients;
mod consents;
mod intakes;
mod resources;

pub use book::CLASH_SQL;
pub use clients::client_search;
pub use engine::Engine;

use async_trait::async_trait;
use needlepoint_store::{Health, StoreError, StoreResult};

use crate::value::{Row, Value};

/// The clinic's records on an SQL engine.
#[derive(Debug)]
pub struct SqlStore<E> {
    engine: E,
}

impl<E: Engine> SqlStore<E> {
    pub fn new(engine: E) -> SqlStore<E> {
        SqlStore { engine }
    }

    /// The engine beneath, for what only it offers (backup, copy, raw SQL in tests).
    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// Every row `sql` finds, mapped.
    async fn all<T>(
        &self,
        sql: &str,
        args: impl Into<Vec<Value>>,
        map: fn(&mut Row) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let rows = self.engine.query(sql, args.into()).await?;
        rows.into_iter().map(|mut r| map(&mut r)).collect()
    }

    /// The first row `sql` finds, mapped.
    async fn one<T>(
        &self,
        sql: &str,
        args: impl Into<Vec<Value>>,
        map: fn(&mut Row) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        let rows = self.engine.query(sql, args.into()).await?;
        rows.into_iter().next().map(|mut r| map(&mut r)).transpose()
    }

    /// A single number (`count(*)` and the like).
    async fn number(&self, sql: &str, args: impl Into<Vec<Value>>) -> StoreResult<i64> {
        let mut row = self
            .engine
            .query(sql, args.into())
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Backend(format!("no row from {sql}")))?;
        row.int("n")
    }
}

#[async_trait]
impl<E: Engine> Health for SqlStore<E> {
    async fn ping(&self) -> StoreResult<()> {
        self.engine.ping().await
    }
}

/// A uniqueness rule broken, in the caller's own words; any other error as it is.
fn unique_or(message: impl FnOnce() -> String) -> impl FnOnce(StoreError) -> StoreError {
    move |error| match error {
        StoreError::Duplicate(_) => StoreError::Duplicate(message()),
        other => other,
    }
}
