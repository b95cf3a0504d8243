//! One module per command.

mod admin;
mod backup;
mod plan;
mod protocol;
mod server;

use std::io::Write;

use crate::args::{AuditCommand, Cli, Command, ProtocolCommand, UserCommand};
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
        Command::Serve(args) => server::serve(args),
        Command::Demo { listen } => server::demo(&listen),
        Command::User {
            command:
                UserCommand::Add {
                    data_dir,
                    email,
                    role,
                    password_stdin: _,
                },
        } => admin::add_user(&data_dir, &email, &role, out),
        Command::Seed { data_dir, clients } => admin::seed(&data_dir, clients, out),
        Command::Audit {
            command:
                AuditCommand::Verify {
                    data_dir,
                    database_url,
                },
        } => admin::verify_audit(&data_dir, database_url.as_deref(), out),
        Command::Backup { data_dir, to } => backup::backup(&data_dir, &to, out),
        Command::Restore { from, data_dir } => backup::restore(&from, &data_dir, out),
        Command::Verify { data_dir } => backup::verify(&data_dir, out),
        Command::Migrate {
            data_dir,
            database_url,
        } => backup::migrate(&data_dir, database_url.as_deref(), out),
    }
}
