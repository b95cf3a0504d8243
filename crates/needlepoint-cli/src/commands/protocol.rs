//! `needlepoint protocol check` and `needlepoint protocol export`.

use std::io::Write;
use std::path::Path;

use crate::error::CliError;
use crate::protocol_dir;

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
        "{}: protocol \"{}\" version {} is valid ({} zones, {} concerns, {rules} screening rules, {citations} cited entries).",
        dir.display(),
        protocol.name,
        protocol.version,
        protocol.zones.len(),
        protocol.concerns.len(),
    )
    .map_err(CliError::Output)
}

pub fn export(dir: &Path, out: &mut impl Write) -> Result<(), CliError> {
    for path in protocol_dir::export(dir)? {
        writeln!(out, "wrote {}", path.display()).map_err(CliError::Output)?;
    }
    Ok(())
}
