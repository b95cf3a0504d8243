//! One module per command.

mod admin;
mod backup;
mod copy;
mod plan;
mod progress;
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
            ProtocolCommand::Show { format, dir } => protocol::show(format, dir.as_deref(), out),
            ProtocolCommand::Diff { format, dir } => protocol::diff(format, &dir, out),
        },
        Command::Serve(args) => server::serve(args),
        Command::Demo { listen } => server::demo(&listen),
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    email,
                    role,
                    password_stdin: _,
                },
        } => admin::add_user(&db, &email, &role, out),
        Command::Seed {
            db,
            clients,
            sessions,
        } => admin::seed(&db, clients, sessions, out),
        Command::Copy { from, to } => copy::copy(&from, &to, out),
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => admin::verify_audit(&db, out),
        Command::Backup { db, to } => backup::backup(&db, &to, out),
        Command::Restore { from, db } => backup::restore(&from, &db, out),
        Command::Verify { db } => backup::verify(&db, out),
        Command::Migrate { db } => backup::migrate(&db, out),
    }
}
