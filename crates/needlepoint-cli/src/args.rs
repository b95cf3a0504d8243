//! The command line's shape.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Needlepoint: microneedling treatment planning for clinics.
#[derive(Debug, Parser)]
#[command(name = "needlepoint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen an intake and print the treatment plan.
    Plan {
        /// Output: `text` to print for the practitioner, `json` as the plan contract defines.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// A clinic's protocol folder; its files replace the built-in ones of the same name.
        #[arg(long, value_name = "DIR")]
        protocol: Option<PathBuf>,
        /// The intake: a .json or .toml file, or `-` for JSON on standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Work with protocol folders.
    Protocol {
        #[command(subcommand)]
        command: ProtocolCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProtocolCommand {
    /// Validate a protocol folder; report every problem with file, line and field.
    Check {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Write the built-in protocol's files into a folder, as a starting point for a clinic's own.
    Export {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}
