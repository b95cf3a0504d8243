//! `needlepoint copy`: a whole clinic from one database to another, checked table by table.

use std::io::Write;

use indicatif::ProgressBar;
use needlepoint_store_sql::transfer::{self, Progress};

use super::progress::bar;
use super::server::block_on;
use crate::database::{self, Location, OpenOptions};
use crate::error::CliError;

struct Bar {
    bar: Option<ProgressBar>,
}

impl Progress for Bar {
    fn start(&mut self, total_rows: u64) {
        self.bar = Some(bar(total_rows, "rows"));
    }
    fn copied(&mut self, table: &str, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(table.to_string());
            bar.inc(rows);
        }
    }
    fn verifying(&mut self) {
        if let Some(bar) = &self.bar {
            bar.set_message("checking both sides");
        }
    }
}

pub fn copy(from: &str, to: &str, out: &mut impl Write) -> Result<(), CliError> {
    let source = Location::parse(from)?;
    let target = match Location::parse(to)? {
        // A new SQLite file may be made for the copy; an existing one must be empty.
        Location::Sqlite { path, .. } => Location::Sqlite { path, create: true },
        other => other,
    };
    if source == target {
        return Err(CliError::Config("--from and --to name the same database".into()));
    }
    let started = std::time::Instant::now();
    let options = OpenOptions {
        single_migrator: false,
    };
    let (sums, rows) = block_on(async {
        let source_db = database::open(&source, options).await?;
        let target_db = database::open(&target, options).await?;
        let mut progress = Bar { bar: None };
        let sums = transfer::copy(
            source_db.tables.as_ref(),
            target_db.tables.as_ref(),
            &mut progress,
        )
        .await
        .map_err(|e| CliError::Server(e.to_string()));
        let rows = progress.bar.as_ref().map_or(0, |b| b.position());
        if let Some(bar) = progress.bar {
            bar.finish_and_clear();
        }
        sums.map(|sums| (sums, rows))
    })??;
    let seconds = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "copied {rows} rows from {} to {} in {seconds:.1} s ({:.0} rows/s); every table matches:",
        source.describe(),
        target.describe(),
        rows as f64 / seconds.max(0.001)
    )
    .map_err(CliError::Output)?;
    for sum in sums {
        writeln!(out, "  {:<24} {:>9} rows  {}", sum.table, sum.rows, sum.digest)
            .map_err(CliError::Output)?;
    }
    Ok(())
}
