//! `needlepoint plan`: read an intake, screen and plan it, print the plan.

use std::io::{Read, Write};
use std::path::Path;

use needlepoint_domain::engine;
use needlepoint_domain::intake::{self, Intake};
use needlepoint_domain::protocol::Protocol;

use crate::args::OutputFormat;
use crate::error::CliError;
use crate::{protocol_dir, report};

pub fn run(
    format: OutputFormat,
    protocol_dir: Option<&Path>,
    file: &Path,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let protocol = protocol_dir::load(protocol_dir)?;
    let intake = read_intake(&protocol, file)?;
    let plan = engine::plan(&protocol, &intake);
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &plan).map_err(CliError::Json)?;
            writeln!(out).map_err(CliError::Output)
        }
        OutputFormat::Text => out
            .write_all(report::text::render(&protocol, &intake, &plan).as_bytes())
            .map_err(CliError::Output),
    }
}

fn read_intake(protocol: &Protocol, file: &Path) -> Result<Intake, CliError> {
    let read_error = |source| CliError::Read {
        path: file.to_path_buf(),
        source,
    };
    let is_stdin = file == Path::new("-");
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let text = if is_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(read_error)?;
        text
    } else {
        if !matches!(extension.as_deref(), Some("json" | "toml")) {
            return Err(CliError::UnknownExtension {
                path: file.to_path_buf(),
            });
        }
        std::fs::read_to_string(file).map_err(read_error)?
    };
    let parsed = if extension.as_deref() == Some("toml") {
        intake::parse::from_toml(&text, protocol)
    } else {
        intake::parse::from_json(&text, protocol)
    };
    parsed.map_err(|errors| CliError::Intake {
        file: file.display().to_string(),
        problems: errors.0,
    })
}
