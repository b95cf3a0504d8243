//! Backup, restore and integrity checks of the SQLite file.
//!
//! A backup is `VACUUM INTO`: a consistent copy taken online, while the clinic keeps working.
//! Beside it goes a manifest of every table's row count and digest. The digest is the sum of the
//! rows' SHA-256 values, so it does not depend on the order rows are stored in, which VACUUM may
//! change. A restore checks the backup against its manifest, copies it, and checks the copy
//! again; it never writes over an existing database.

use std::path::{Path, PathBuf};

use needlepoint_store::{StoreError, StoreResult};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

/// One table's row count and order-independent digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSum {
    pub table: String,
    pub rows: u64,
    pub digest: String,
}

fn failed(context: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("{context}: {error}"))
}

fn open_read_only(path: &Path) -> StoreResult<Connection> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| failed(&format!("opening {}", path.display()), e))
}

/// The manifest's path beside a backup file.
pub fn manifest_path(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".sums.json");
    PathBuf::from(name)
}

/// Every table's row count and digest, in table-name order.
pub fn table_sums(conn: &Connection) -> StoreResult<Vec<TableSum>> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| failed("listing tables", e))?;
    let mut sums = Vec::with_capacity(tables.len());
    for table in tables {
        // Table names come from sqlite_master; quoting keeps any name a name.
        let sql = format!("SELECT * FROM \"{}\"", table.replace('"', "\"\""));
        let mut statement = conn.prepare(&sql).map_err(|e| failed(&table, e))?;
        let columns = statement.column_count();
        let mut rows = statement.query([]).map_err(|e| failed(&table, e))?;
        let (mut count, mut total) = (0u64, 0u128);
        while let Some(row) = rows.next().map_err(|e| failed(&table, e))? {
            let mut hasher = Sha256::new();
            for i in 0..columns {
                match row.get_ref(i).map_err(|e| failed(&table, e))? {
                    ValueRef::Null => hasher.update(b"N"),
                    ValueRef::Integer(v) => {
                        hasher.update(b"I");
                        hasher.update(v.to_le_bytes());
                    }
                    ValueRef::Real(v) => {
                        hasher.update(b"R");
                        hasher.update(v.to_bits().to_le_bytes());
                    }
                    ValueRef::Text(v) | ValueRef::Blob(v) => {
                        hasher.update(b"T");
                        hasher.update((v.len() as u64).to_le_bytes());
                        hasher.update(v);
                    }
                }
            }
            let digest = hasher.finalize();
            let mut first = [0u8; 16];
            first.copy_from_slice(&digest[..16]);
            total = total.wrapping_add(u128::from_le_bytes(first));
            count += 1;
        }
        sums.push(TableSum {
            table,
            rows: count,
            digest: format!("{total:032x}"),
        });
    }
    Ok(sums)
}

/// SQLite's own integrity and foreign-key checks: `Ok` or the first problems found.
pub fn integrity(conn: &Connection) -> StoreResult<()> {
    let report: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| failed("integrity check", e))?;
    if report != ["ok"] {
        return Err(StoreError::Backend(format!(
            "integrity check: {}",
            report.join("; ")
        )));
    }
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .map_err(|e| failed("foreign-key check", e))?;
    if broken > 0 {
        return Err(StoreError::Backend(format!(
            "foreign-key check: {broken} rows point at nothing"
        )));
    }
    Ok(())
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
    let text = serde_json::to_string_pretty(&serde_json::json!({ "tables": tables }))
        .map_err(|e| failed("writing the manifest", e))?;
    std::fs::write(path, text).map_err(|e| failed(&format!("writing {}", path.display()), e))
}

fn read_manifest(path: &Path) -> StoreResult<Vec<TableSum>> {
    let text =
        std::fs::read_to_string(path).map_err(|e| failed(&format!("reading {}", path.display()), e))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| failed(&path.display().to_string(), e))?;
    let tables = value["tables"]
        .as_object()
        .ok_or_else(|| StoreError::Backend(format!("{}: no tables", path.display())))?;
    let mut sums: Vec<TableSum> = tables
        .iter()
        .map(|(table, v)| TableSum {
            table: table.clone(),
            rows: v["rows"].as_u64().unwrap_or(u64::MAX),
            digest: v["digest"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    sums.sort_by(|a, b| a.table.cmp(&b.table));
    Ok(sums)
}

fn compare(what: &str, expected: &[TableSum], found: &[TableSum]) -> StoreResult<()> {
    if expected == found {
        return Ok(());
    }
    let differs: Vec<String> = expected
        .iter()
        .filter(|e| !found.contains(e))
        .map(|e| e.table.clone())
        .chain(
            found
                .iter()
                .filter(|f| !expected.iter().any(|e| e.table == f.table))
                .map(|f| f.table.clone()),
        )
        .collect();
    Err(StoreError::Backend(format!(
        "{what} does not match its manifest: {}",
        differs.join(", ")
    )))
}

/// Takes a consistent online copy of `database` into `to` (which must not exist), checks it and
/// writes its manifest beside it.
pub fn backup(database: &Path, to: &Path) -> StoreResult<Vec<TableSum>> {
    if to.exists() {
        return Err(StoreError::Backend(format!(
            "{} exists; choose a new file",
            to.display()
        )));
    }
    let source = open_read_only(database)?;
    let target = to
        .to_str()
        .ok_or_else(|| StoreError::Backend("the backup path is not UTF-8".into()))?;
    source
        .execute("VACUUM INTO ?1", [target])
        .map_err(|e| failed("backup", e))?;
    let copy = open_read_only(to)?;
    integrity(&copy)?;
    let sums = table_sums(&copy)?;
    write_manifest(&manifest_path(to), &sums)?;
    Ok(sums)
}

/// Restores `from` (checked against its manifest) as `database`, which must not exist yet, and
/// checks the result. Stop the server before restoring.
pub fn restore(from: &Path, database: &Path) -> StoreResult<Vec<TableSum>> {
    if database.exists() {
        return Err(StoreError::Backend(format!(
            "{} exists; move it aside first (with the server stopped), so a restore never overwrites a clinic",
            database.display()
        )));
    }
    let expected = read_manifest(&manifest_path(from))?;
    let backup = open_read_only(from)?;
    integrity(&backup)?;
    compare("the backup", &expected, &table_sums(&backup)?)?;
    drop(backup);
    let partial = database.with_extension("restoring");
    std::fs::copy(from, &partial).map_err(|e| failed("copying the backup", e))?;
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| failed("syncing the restored file", e))?;
    std::fs::rename(&partial, database).map_err(|e| failed("putting the restored file in place", e))?;
    let restored = open_read_only(database)?;
    integrity(&restored)?;
    let found = table_sums(&restored)?;
    compare("the restored database", &expected, &found)?;
    Ok(found)
}

/// Integrity and foreign keys of a database file, with its tables' counts and digests.
pub fn verify_file(database: &Path) -> StoreResult<Vec<TableSum>> {
    let conn = open_read_only(database)?;
    integrity(&conn)?;
    table_sums(&conn)
}
