//! Backup and restore on PostgreSQL, with PostgreSQL's own tools: `pg_dump` writes the backup
//! (custom format) and `pg_restore` reads it back. Beside the backup goes a manifest of every
//! table's row count and digest, taken inside the very snapshot `pg_dump` reads, so the manifest
//! describes exactly what the file holds even while the clinic keeps working. A restore goes into
//! an empty database and is then checked against the manifest.

use std::path::{Path, PathBuf};
use std::process::Command;

use futures_util::TryStreamExt;
use needlepoint_store::{StoreError, StoreResult};
use needlepoint_store_sql::transfer::{TABLES, TableSum, cells, row_digest, select_sql};
use sqlx::{Connection, PgConnection};

use crate::transfer::columns;

fn failed(context: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("{context}: {error}"))
}

/// The manifest's path beside a backup file.
pub fn manifest_path(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".sums.json");
    PathBuf::from(name)
}

/// Every table's count and digest as `conn` sees them (inside its transaction's snapshot).
pub async fn sums_on(conn: &mut PgConnection) -> StoreResult<Vec<TableSum>> {
    let mut sums = Vec::new();
    for table in TABLES {
        let columns = columns(&mut *conn, table).await?;
        let sql = select_sql(table, &columns);
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *conn);
        let (mut count, mut total) = (0u64, 0u128);
        while let Some(row) = rows.try_next().await.map_err(|e| failed(table, e))? {
            total = total.wrapping_add(row_digest(&cells(&row, &columns)?));
            count += 1;
        }
        sums.push(TableSum::new(table, count, total));
    }
    Ok(sums)
}

fn write_manifest(path: &Path, sums: &[TableSum]) -> StoreResult<()> {
    let tables: serde_json::Map<String, serde_json::Value> = sums
        .iter()
        .map(|s| {
            (
                s.table.clone(),
                serde_json::json!({ "rows": s.rows, "digest": s.digest }),
            )
        })
        .collect();
    let text = serde_json::to_string_pretty(&serde_json::json!({ "engine": "postgres", "tables": tables }))
        .map_err(|e| failed("writing the manifest", e))?;
    std::fs::write(path, text).map_err(|e| failed(&format!("writing {}", path.display()), e))
}

fn read_manifest(path: &Path) -> StoreResult<Vec<TableSum>> {
    let text =
        std::fs::read_to_string(path).map_err(|e| failed(&format!("reading {}", path.display()), e))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| failed(&path.display().to_string(), e))?;
    if value["engine"] != "postgres" {
        return Err(StoreError::Backend(format!(
            "{}: not a PostgreSQL backup's manifest (an SQLite backup restores with an SQLite data folder, or moves with `needlepoint copy`)",
            path.display()
        )));
    }
    TABLES
        .iter()
        .map(|table| {
            let entry = &value["tables"][*table];
            Ok(TableSum {
                table: (*table).to_string(),
                rows: entry["rows"].as_u64().ok_or_else(|| {
                    StoreError::Backend(format!("{}: no count for {table}", path.display()))
                })?,
                digest: entry["digest"].as_str().unwrap_or_default().to_string(),
            })
        })
        .collect()
}

/// Runs one of PostgreSQL's client tools, or says how to get it.
fn run_tool(tool: &str, args: &[&str]) -> StoreResult<()> {
    let output = Command::new(tool).args(args).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            StoreError::Backend(format!(
                "{tool} is not installed: install PostgreSQL's client tools (Debian: apt-get install postgresql-client), of the server's major version or newer"
            ))
        } else {
            failed(tool, e)
        }
    })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(StoreError::Backend(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

/// `pg_dump` of the database at `url` into `to` (which must not exist), with its manifest.
pub async fn backup(url: &str, to: &Path) -> StoreResult<Vec<TableSum>> {
    if to.exists() {
        return Err(StoreError::Backend(format!(
            "{} exists; choose a new file",
            to.display()
        )));
    }
    let file = to
        .to_str()
        .ok_or_else(|| StoreError::Backend("the backup path is not UTF-8".into()))?
        .to_string();
    // One snapshot for both: pg_dump reads the snapshot this transaction exports, and the sums
    // are taken inside it.
    let mut conn = PgConnection::connect(url)
        .await
        .map_err(|e| failed("connecting", e))?;
    sqlx::raw_sql("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut conn)
        .await
        .map_err(|e| failed("starting the snapshot", e))?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| failed("exporting the snapshot", e))?;
    let dump_url = url.to_string();
    let dump = tokio::task::spawn_blocking(move || {
        run_tool(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                &format!("--snapshot={snapshot}"),
                &format!("--file={file}"),
                &format!("--dbname={dump_url}"),
            ],
        )
    });
    let sums = sums_on(&mut conn).await;
    dump.await.map_err(|e| failed("pg_dump", e))??;
    let sums = sums?;
    sqlx::raw_sql("COMMIT")
        .execute(&mut conn)
        .await
        .map_err(|e| failed("ending the snapshot", e))?;
    std::fs::File::open(to)
        .and_then(|f| f.sync_all())
        .map_err(|e| failed("syncing the backup", e))?;
    write_manifest(&manifest_path(to), &sums)?;
    Ok(sums)
}

/// Restores `from` into the empty database at `url` with `pg_restore`, in one transaction, and
/// checks every table against the manifest.
pub async fn restore(from: &Path, url: &str) -> StoreResult<Vec<TableSum>> {
    let expected = read_manifest(&manifest_path(from))?;
    let mut conn = PgConnection::connect(url)
        .await
        .map_err(|e| failed("connecting", e))?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|e| failed("looking at the target", e))?;
    if tables > 0 {
        return Err(StoreError::Backend(
            "the target database is not empty: restore into a new database (createdb), so a restore never overwrites a clinic".into(),
        ));
    }
    let file = from
        .to_str()
        .ok_or_else(|| StoreError::Backend("the backup path is not UTF-8".into()))?
        .to_string();
    let restore_url = url.to_string();
    tokio::task::spawn_blocking(move || {
        run_tool(
            "pg_restore",
            &[
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                &format!("--dbname={restore_url}"),
                &file,
            ],
        )
    })
    .await
    .map_err(|e| failed("pg_restore", e))??;
    let found = sums_on(&mut conn).await?;
    if found != expected {
        let differs: Vec<&str> = expected
            .iter()
            .zip(&found)
            .filter(|(e, f)| e != f)
            .map(|(e, _)| e.table.as_str())
            .collect();
        return Err(StoreError::Backend(format!(
            "the restored database does not match the backup's manifest: {}",
            differs.join(", ")
        )));
    }
    Ok(found)
}
