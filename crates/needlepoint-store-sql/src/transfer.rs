//! Moving a whole clinic between databases, whatever their engines, and proving nothing changed
//! on the way: each engine lists its tables' columns, streams their rows and takes rows in batches
//! ([`Tables`]); [`copy`] moves every table in an order that keeps references valid, then compares
//! each table's row count and digest on both sides.

use async_trait::async_trait;
use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use needlepoint_store::{StoreError, StoreResult};
use sha2::{Digest, Sha256};

/// The clinic's tables, each after the tables it refers to.
pub const TABLES: [&str; 19] = [
    "users",
    "sessions",
    "setup_tokens",
    "clients",
    "intakes",
    "depth_overrides",
    "consent_templates",
    "consents",
    "audit_log",
    "practitioner_licences",
    "rooms",
    "devices",
    "appointments",
    "clinic_settings",
    "formulary",
    "charts",
    "chart_amendments",
    "lot_uses",
    "aftercare_links",
];

/// Rows per insert: well inside both engines' limits on bound parameters.
pub const BATCH: usize = 1000;

/// A column, by name and kind (the schema holds only integers and text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub integer: bool,
}

/// One stored value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// One table's row count and order-independent digest (the sum of its rows' SHA-256 values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSum {
    pub table: String,
    pub rows: u64,
    pub digest: String,
}

impl TableSum {
    pub fn new(table: &str, rows: u64, digest_total: u128) -> TableSum {
        TableSum {
            table: table.to_string(),
            rows,
            digest: format!("{digest_total:032x}"),
        }
    }
}

/// What an engine offers for moving data.
#[async_trait]
pub trait Tables: Send + Sync {
    /// The engine's name, for messages.
    fn engine(&self) -> &'static str;
    /// Every table of the database except the migrations' own.
    async fn table_names(&self) -> StoreResult<Vec<String>>;
    /// The table's columns, sorted by name.
    async fn columns(&self, table: &str) -> StoreResult<Vec<Column>>;
    async fn count(&self, table: &str) -> StoreResult<u64>;
    /// Every row, its cells in the order of `columns`.
    fn rows<'a>(&'a self, table: &'a str, columns: &'a [Column]) -> BoxStream<'a, StoreResult<Vec<Cell>>>;
    /// Inserts rows (at most [`BATCH`]) in one durable transaction.
    async fn insert(&self, table: &str, columns: &[Column], rows: &[Vec<Cell>]) -> StoreResult<()>;
}

/// `SELECT "a", "b" FROM "table"`; names come from the schema and are quoted all the same.
pub fn select_sql(table: &str, columns: &[Column]) -> String {
    let names: Vec<String> = columns.iter().map(|c| quote(&c.name)).collect();
    format!("SELECT {} FROM {}", names.join(", "), quote(table))
}

/// `INSERT INTO "table" ("a", "b") `, for a query builder to add the values to.
pub fn insert_sql(table: &str, columns: &[Column]) -> String {
    let names: Vec<String> = columns.iter().map(|c| quote(&c.name)).collect();
    format!("INSERT INTO {} ({}) ", quote(table), names.join(", "))
}

/// `SELECT count(*) FROM "table"`.
pub fn count_sql(table: &str) -> String {
    format!("SELECT count(*) FROM {}", quote(table))
}

/// A row's cells in the order of `columns`, whichever engine read it.
pub fn cells<R>(row: &R, columns: &[Column]) -> StoreResult<Vec<Cell>>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let cell = if column.integer {
                row.try_get::<Option<i64>, _>(i)
                    .map(|v| v.map_or(Cell::Null, Cell::Int))
            } else {
                row.try_get::<Option<String>, _>(i)
                    .map(|v| v.map_or(Cell::Null, Cell::Text))
            };
            cell.map_err(|e| StoreError::Backend(format!("column {}: {e}", column.name)))
        })
        .collect()
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every table's count and digest, in [`TABLES`] order.
pub async fn sums(source: &dyn Tables) -> StoreResult<Vec<TableSum>> {
    let mut sums = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = source.columns(table).await?;
        let mut rows = source.rows(table, &columns);
        let (mut count, mut total) = (0u64, 0u128);
        while let Some(row) = rows.try_next().await? {
            total = total.wrapping_add(row_digest(&row));
            count += 1;
        }
        sums.push(TableSum::new(table, count, total));
    }
    Ok(sums)
}

/// One row's share of its table's digest.
pub fn row_digest(row: &[Cell]) -> u128 {
    let mut hasher = Sha256::new();
    for cell in row {
        match cell {
            Cell::Null => hasher.update(b"N"),
            Cell::Int(v) => {
                hasher.update(b"I");
                hasher.update(v.to_le_bytes());
            }
            Cell::Text(v) => {
                hasher.update(b"T");
                hasher.update((v.len() as u64).to_le_bytes());
                hasher.update(v.as_bytes());
            }
        }
    }
    let digest = hasher.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(first)
}

/// Progress reports: the total once, then rows as they are copied.
pub trait Progress {
    fn start(&mut self, total_rows: u64);
    fn copied(&mut self, table: &str, rows: u64);
    fn verifying(&mut self);
}

/// Copies every table from `from` into the empty database `to`, then checks both sides hold the
/// same rows. Stop the servers of `from` first: rows written during the copy would be missed (and
/// the check would say so).
pub async fn copy(
    from: &dyn Tables,
    to: &dyn Tables,
    progress: &mut dyn Progress,
) -> StoreResult<Vec<TableSum>> {
    let refuse = |message: String| Err(StoreError::Backend(message));
    for table in from.table_names().await? {
        if !TABLES.contains(&table.as_str()) {
            return refuse(format!(
                "the source has a table `{table}` this version does not know; upgrade Needlepoint first"
            ));
        }
    }
    let mut total = 0;
    for table in TABLES {
        if to.count(table).await? > 0 {
            return refuse(format!(
                "the target database is not empty (table {table} has rows): copy only into a new database"
            ));
        }
        let (theirs, ours) = (from.columns(table).await?, to.columns(table).await?);
        if theirs != ours {
            return refuse(format!(
                "table {table} has different columns in the two databases: migrate both to the same version first"
            ));
        }
        total += from.count(table).await?;
    }
    progress.start(total);
    for table in TABLES {
        let columns = from.columns(table).await?;
        let mut rows = from.rows(table, &columns);
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(row) = rows.try_next().await? {
            batch.push(row);
            if batch.len() == BATCH {
                to.insert(table, &columns, &batch).await?;
                progress.copied(table, batch.len() as u64);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            to.insert(table, &columns, &batch).await?;
            progress.copied(table, batch.len() as u64);
        }
    }
    progress.verifying();
    let (before, after) = (sums(from).await?, sums(to).await?);
    for (a, b) in before.iter().zip(&after) {
        if a != b {
            return refuse(format!(
                "table {}: {} rows (digest {}) in {} but {} rows (digest {}) in {} after the copy",
                a.table,
                a.rows,
                a.digest,
                from.engine(),
                b.rows,
                b.digest,
                to.engine()
            ));
        }
    }
    Ok(after)
}
