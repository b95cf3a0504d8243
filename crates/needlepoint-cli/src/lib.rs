//! Needlepoint's command line. Parses arguments, does the file I/O the pure domain must not, and
//! prints. Exit status: 0 success, 2 input that cannot be used (with one line per problem),
//! 1 anything else (for example a closed output pipe).

mod args;
mod commands;
mod database;
mod error;
mod protocol_dir;
pub mod report;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, OutputFormat, ProtocolCommand};
pub use error::CliError;

/// Runs the command line with these arguments (the first is the program name).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        // clap prints help and version to stdout (status 0) and usage errors to stderr (status 2).
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    // Not `stdout().lock()`: the server logs to standard output from its worker threads, and a lock
    // held for the whole run made the first such line wait for ever (a hung server).
    let mut stdout = std::io::stdout();
    match commands::dispatch(cli, &mut stdout).and_then(|()| stdout.flush().map_err(CliError::Output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_broken_pipe() => ExitCode::from(error.exit_status()),
        Err(error) => {
            let mut stderr = std::io::stderr().lock();
            for line in error.lines() {
                let _ = writeln!(stderr, "{line}");
            }
            ExitCode::from(error.exit_status())
        }
    }
}
