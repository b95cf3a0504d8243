//! PostgreSQL's side of moving a clinic between databases (see
//! `needlepoint_store_sql::transfer`).

use async_trait::async_trait;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use needlepoint_store::{StoreError, StoreResult};
use needlepoint_store_sql::transfer::{Cell, Column, Tables, cells, count_sql, insert_sql, select_sql};
use sqlx::Row;

use crate::{PgEngine, backend};

/// A table's columns, sorted by name, through any connection (the pool, or a backup's snapshot).
pub(crate) async fn columns<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    table: &str,
) -> StoreResult<Vec<Column>> {
    let rows = sqlx::query(
        "SELECT column_name::text AS name, data_type::text AS kind FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1",
    )
    .bind(table)
    .fetch_all(executor)
    .await
    .map_err(backend)?;
    let mut columns = rows
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind").map_err(backend)?;
            Ok(Column {
                name: r.try_get("name").map_err(backend)?,
                integer: matches!(kind.as_str(), "bigint" | "integer" | "smallint"),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    if columns.is_empty() {
        return Err(StoreError::Backend(format!(
            "no table {table} in the PostgreSQL database"
        )));
    }
    columns.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(columns)
}

#[async_trait]
impl Tables for PgEngine {
    fn engine(&self) -> &'static str {
        "PostgreSQL"
    }

    async fn table_names(&self) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
               AND table_name <> '_sqlx_migrations' ORDER BY 1",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend)
    }

    async fn columns(&self, table: &str) -> StoreResult<Vec<Column>> {
        columns(&self.pool, table).await
    }

    async fn count(&self, table: &str) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql(table)))
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(count.unsigned_abs())
    }

    fn rows<'a>(&'a self, table: &'a str, columns: &'a [Column]) -> BoxStream<'a, StoreResult<Vec<Cell>>> {
        sqlx::query(sqlx::AssertSqlSafe(select_sql(table, columns)))
            .fetch(&self.pool)
            .map_err(backend)
            .and_then(move |row| async move { cells(&row, columns) })
            .boxed()
    }

    async fn insert(&self, table: &str, columns: &[Column], rows: &[Vec<Cell>]) -> StoreResult<()> {
        let mut insert = sqlx::QueryBuilder::<sqlx::Postgres>::new(insert_sql(table, columns));
        insert.push_values(rows, |mut values, row| {
            for (cell, column) in row.iter().zip(columns) {
                // PostgreSQL types every parameter: a missing value is bound as the column's type.
                match (cell, column.integer) {
                    (Cell::Null, true) => values.push_bind(None::<i64>),
                    (Cell::Null, false) => values.push_bind(None::<String>),
                    (Cell::Int(v), _) => values.push_bind(*v),
                    (Cell::Text(v), _) => values.push_bind(v.clone()),
                };
            }
        });
        let mut tx = self.pool.begin().await.map_err(backend)?;
        insert.build().execute(&mut *tx).await.map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}
