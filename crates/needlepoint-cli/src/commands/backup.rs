//! `needlepoint backup`, `restore`, `verify` and `migrate`, on either engine.

use std::io::Write;
use std::path::Path;

use needlepoint_store_postgres::{PgEngine, PgOptions};
use needlepoint_store_sql::transfer;

use super::admin::verify_chain;
use super::server::block_on;
use crate::args::DatabaseArgs;
use crate::database::{self, Location, OpenOptions};
use crate::error::CliError;

/// `needlepoint_store_sqlite::backup::TableSum` and the transfer sums print alike.
fn print_sums<'a>(
    out: &mut impl Write,
    sums: impl IntoIterator<Item = (&'a str, u64, &'a str)>,
) -> Result<(), CliError> {
    for (table, rows, digest) in sums {
        writeln!(out, "  {table:<24} {rows:>9} rows  {digest}").map_err(CliError::Output)?;
    }
    Ok(())
}

fn sqlite_sums(sums: &[needlepoint_store_sqlite::backup::TableSum]) -> Vec<(&str, u64, &str)> {
    sums.iter()
        .map(|s| (s.table.as_str(), s.rows, s.digest.as_str()))
        .collect()
}

fn transfer_sums(sums: &[transfer::TableSum]) -> Vec<(&str, u64, &str)> {
    sums.iter()
        .map(|s| (s.table.as_str(), s.rows, s.digest.as_str()))
        .collect()
}

fn server_error(e: impl std::fmt::Display) -> CliError {
    CliError::Server(e.to_string())
}

fn existing_sqlite(path: &Path) -> Result<(), CliError> {
    if path.exists() {
        Ok(())
    } else {
        Err(CliError::Config(format!("{}: no database here", path.display())))
    }
}

pub fn backup(db: &DatabaseArgs, to: &Path, out: &mut impl Write) -> Result<(), CliError> {
    let location = Location::from_args(&db.data_dir, db.database_url.as_deref())?;
    match &location {
        Location::Sqlite { path, .. } => {
            existing_sqlite(path)?;
            let sums = needlepoint_store_sqlite::backup::backup(path, to).map_err(server_error)?;
            writeln!(
                out,
                "backed up {} to {} (checked; manifest {})",
                path.display(),
                to.display(),
                needlepoint_store_sqlite::backup::manifest_path(to).display()
            )
            .map_err(CliError::Output)?;
            print_sums(out, sqlite_sums(&sums))
        }
        Location::Postgres { url } => {
            let sums =
                block_on(needlepoint_store_postgres::backup::backup(url, to))?.map_err(server_error)?;
            writeln!(
                out,
                "backed up {} to {} with pg_dump (manifest {}, taken in the dump's snapshot)",
                location.describe(),
                to.display(),
                needlepoint_store_postgres::backup::manifest_path(to).display()
            )
            .map_err(CliError::Output)?;
            print_sums(out, transfer_sums(&sums))
        }
    }
}

pub fn restore(from: &Path, db: &DatabaseArgs, out: &mut impl Write) -> Result<(), CliError> {
    let location = Location::from_args(&db.data_dir, db.database_url.as_deref())?;
    match &location {
        Location::Sqlite { path, .. } => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            let sums = needlepoint_store_sqlite::backup::restore(from, path).map_err(server_error)?;
            writeln!(
                out,
                "restored {} to {}; every table matches the manifest",
                from.display(),
                path.display()
            )
            .map_err(CliError::Output)?;
            print_sums(out, sqlite_sums(&sums))
        }
        Location::Postgres { url } => {
            let sums =
                block_on(needlepoint_store_postgres::backup::restore(from, url))?.map_err(server_error)?;
            writeln!(
                out,
                "restored {} into {} with pg_restore; every table matches the manifest",
                from.display(),
                location.describe()
            )
            .map_err(CliError::Output)?;
            print_sums(out, transfer_sums(&sums))
        }
    }
}

pub fn verify(db: &DatabaseArgs, out: &mut impl Write) -> Result<(), CliError> {
    let location = Location::from_args(&db.data_dir, db.database_url.as_deref())?;
    match &location {
        Location::Sqlite { path, .. } => {
            existing_sqlite(path)?;
            let sums = needlepoint_store_sqlite::backup::verify_file(path).map_err(server_error)?;
            writeln!(out, "database integrity and foreign keys: ok").map_err(CliError::Output)?;
            print_sums(out, sqlite_sums(&sums))?;
        }
        Location::Postgres { url } => {
            // Reads only: no migrations.
            let options = PgOptions {
                migrate: false,
                ..PgOptions::default()
            };
            let sums = block_on(async {
                let engine = PgEngine::open(url, options).await?;
                transfer::sums(&engine).await
            })?
            .map_err(server_error)?;
            writeln!(
                out,
                "every table reads back (PostgreSQL checks its pages and foreign keys itself):"
            )
            .map_err(CliError::Output)?;
            print_sums(out, transfer_sums(&sums))?;
        }
    }
    verify_files(&db.data_dir.join("files"), out)?;
    verify_chain(&location, out)
}

/// Hashes every stored file again: each must still match its address.
fn verify_files(folder: &Path, out: &mut impl Write) -> Result<(), CliError> {
    use needlepoint_store::files::FileStore;
    if !folder.exists() {
        return writeln!(out, "files: none stored in {}", folder.display()).map_err(CliError::Output);
    }
    let files = needlepoint_files::LocalFiles::open(folder).map_err(server_error)?;
    let check = block_on(files.check())?.map_err(server_error)?;
    if !check.damaged.is_empty() {
        return Err(CliError::Server(format!(
            "{} file(s) no longer match their checksums: {}",
            check.damaged.len(),
            check.damaged.join(", ")
        )));
    }
    writeln!(
        out,
        "files: {} ({} bytes), every one matches its checksum",
        check.files, check.bytes
    )
    .map_err(CliError::Output)
}

pub fn migrate(db: &DatabaseArgs, out: &mut impl Write) -> Result<(), CliError> {
    let location = Location::from_args(&db.data_dir, db.database_url.as_deref())?;
    // Opening the database applies whatever migrations are missing, in one place for every command.
    let options = OpenOptions {
        single_migrator: db.single_migrator,
    };
    block_on(database::open(&location, options))??;
    let versions = match location {
        Location::Sqlite { .. } => needlepoint_store_sqlite::SqliteEngine::migration_versions(),
        Location::Postgres { .. } => needlepoint_store_postgres::migration_versions(),
    };
    let latest = versions.last().copied().unwrap_or(0);
    writeln!(
        out,
        "{} migrated: {} migrations, now at version {latest}",
        location.describe(),
        versions.len()
    )
    .map_err(CliError::Output)
}
