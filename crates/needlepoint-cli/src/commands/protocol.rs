//! `needlepoint protocol check`, `export`, `show` and `diff`.

use std::io::Write;
use std::path::Path;

use needlepoint_domain::protocol::Protocol;
use needlepoint_domain::protocol::describe::{describe, diff as compare};

use crate::args::OutputFormat;
use crate::error::CliError;
use crate::{protocol_dir, report};

pub fn check(dir: &Path, out: &mut impl Write) -> Result<(), CliError> {
    if !dir.is_dir() {
        return Err(CliError::ProtocolFolder {
            path: dir.to_path_buf(),
            message: "not a folder".into(),
        });
    }
    let protocol = protocol_dir::load_folder(dir)?;
    let rules = protocol.rules.len();
    let citations = protocol.citations().len();
    writeln!(
        out,
        "{}: protocol \"{}\" version {} is valid ({} zones, {} concerns, {} questions, {rules} screening rules, {citations} cited entries).\nDigest: {}",
        dir.display(),
        protocol.name,
        protocol.version,
        protocol.zones.len(),
        protocol.concerns.len(),
        protocol.questions.len(),
        protocol.digest,
    )
    .map_err(CliError::Output)
}

pub fn export(dir: &Path, out: &mut impl Write) -> Result<(), CliError> {
    for path in protocol_dir::export(dir)? {
        writeln!(out, "wrote {}", path.display()).map_err(CliError::Output)?;
    }
    Ok(())
}

fn write_json(value: &impl serde::Serialize, out: &mut impl Write) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(CliError::Json)?;
    writeln!(out).map_err(CliError::Output)
}

pub fn show(format: OutputFormat, dir: Option<&Path>, out: &mut impl Write) -> Result<(), CliError> {
    let protocol = protocol_dir::load(dir)?;
    let description = describe(&protocol);
    match format {
        OutputFormat::Json => write_json(&description, out),
        OutputFormat::Text => out
            .write_all(report::protocol::render(&description).as_bytes())
            .map_err(CliError::Output),
    }
}

pub fn diff(format: OutputFormat, dir: &Path, out: &mut impl Write) -> Result<(), CliError> {
    let built_in = Protocol::embedded().map_err(|problems| CliError::Protocol { problems })?;
    let clinic = protocol_dir::load_folder(dir)?;
    let changes = compare(&describe(&built_in), &describe(&clinic));
    match format {
        OutputFormat::Json => write_json(&changes, out),
        OutputFormat::Text => out
            .write_all(report::protocol::render_diff(&changes).as_bytes())
            .map_err(CliError::Output),
    }
}
