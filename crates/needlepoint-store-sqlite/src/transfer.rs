//! The embedded engine's side of moving a clinic between databases (see
//! `needlepoint_store_sql::transfer`).

use async_trait::async_trait;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use needlepoint_store::{StoreError, StoreResult};
use needlepoint_store_sql::transfer::{Cell, Column, Tables, cells, count_sql, insert_sql, select_sql};
use sqlx::Row;

use crate::{SqliteEngine, backend};

#[async_trait]
impl Tables for SqliteEngine {
    fn engine(&self) -> &'static str {
        "SQLite"
    }

    async fn table_names(&self) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'
             AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend)
    }

    async fn columns(&self, table: &str) -> StoreResult<Vec<Column>> {
        let rows = sqlx::query("SELECT name, type FROM pragma_table_info($1)")
            .bind(table)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let mut columns = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get("type").map_err(backend)?;
                Ok(Column {
                    name: r.try_get("name").map_err(backend)?,
                    integer: kind.eq_ignore_ascii_case("INTEGER"),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        if columns.is_empty() {
            return Err(StoreError::Backend(format!(
                "no table {table} in the SQLite database"
            )));
        }
        columns.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(columns)
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
        let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(insert_sql(table, columns));
        insert.push_values(rows, |mut values, row| {
            for cell in row {
                match cell {
                    Cell::Null => values.push_bind(None::<String>),
                    Cell::Int(v) => values.push_bind(*v),
                    Cell::Text(v) => values.push_bind(v.clone()),
                };
            }
        });
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        insert.build().execute(&mut *tx).await.map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}
