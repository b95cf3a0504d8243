//! `needlepoint backup`, `restore`, `verify` and `migrate` for the embedded database.

use std::io::Write;
use std::path::Path;

use needlepoint_store_sqlite::backup::{self, TableSum};

use super::admin::verify_audit;
use super::server::{block_on, open_store};
use crate::error::CliError;

fn database(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("needlepoint.db")
}

fn print_sums(out: &mut impl Write, sums: &[TableSum]) -> Result<(), CliError> {
    for sum in sums {
        writeln!(out, "  {:<24} {:>9} rows  {}", sum.table, sum.rows, sum.digest)
            .map_err(CliError::Output)?;
    }
    Ok(())
}

pub fn backup(data_dir: &Path, to: &Path, out: &mut impl Write) -> Result<(), CliError> {
    let source = database(data_dir);
    if !source.exists() {
        return Err(CliError::Config(format!(
            "{}: no database here",
            source.display()
        )));
    }
    let sums = backup::backup(&source, to).map_err(|e| CliError::Server(e.to_string()))?;
    writeln!(
        out,
        "backed up {} to {} (checked; manifest {})",
        source.display(),
        to.display(),
        backup::manifest_path(to).display()
    )
    .map_err(CliError::Output)?;
    print_sums(out, &sums)
}

pub fn restore(from: &Path, data_dir: &Path, out: &mut impl Write) -> Result<(), CliError> {
    std::fs::create_dir_all(data_dir).map_err(|source| CliError::Write {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let target = database(data_dir);
    let sums = backup::restore(from, &target).map_err(|e| CliError::Server(e.to_string()))?;
    writeln!(
        out,
        "restored {} to {}; every table matches the manifest",
        from.display(),
        target.display()
    )
    .map_err(CliError::Output)?;
    print_sums(out, &sums)
}

pub fn verify(data_dir: &Path, out: &mut impl Write) -> Result<(), CliError> {
    let target = database(data_dir);
    if !target.exists() {
        return Err(CliError::Config(format!(
            "{}: no database here",
            target.display()
        )));
    }
    let sums = backup::verify_file(&target).map_err(|e| CliError::Server(e.to_string()))?;
    writeln!(out, "database integrity and foreign keys: ok").map_err(CliError::Output)?;
    print_sums(out, &sums)?;
    verify_audit(data_dir, None, out)
}

pub fn migrate(data_dir: &Path, database_url: Option<&str>, out: &mut impl Write) -> Result<(), CliError> {
    // Opening the store applies whatever migrations are missing, in one place for every command.
    block_on(open_store(data_dir, database_url))??;
    let versions = needlepoint_store_sqlite::SqliteStore::migration_versions();
    let latest = versions.last().copied().unwrap_or(0);
    writeln!(
        out,
        "database migrated: {} migrations, now at version {latest}",
        versions.len()
    )
    .map_err(CliError::Output)
}
