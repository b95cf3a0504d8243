//! One module per command.

mod plan;
mod protocol;

use std::io::Write;

use crate::args::{Cli, Command, ProtocolCommand};
use crate::error::CliError;

pub fn dispatch(cli: Cli, out: &mut impl Write) -> Result<(), CliError> {
    match cli.command {
        Command::Plan {
            format,
            protocol,
            file,
        } => plan::run(format, protocol.as_deref(), &file, out),
        Command::Protocol { command } => match command {
            ProtocolCommand::Check { dir } => protocol::check(&dir, out),
            ProtocolCommand::Export { dir } => protocol::export(&dir, out),
        },
    }
}
