//! `needlepoint user add`, `needlepoint audit verify` and `needlepoint seed`.

use std::io::{BufRead, Write};
use std::sync::Arc;

use needlepoint_app::accounts::users::{self, NewAccount};
use needlepoint_app::demo::volume;
use needlepoint_app::{Actor, AppError, ClinicConfig, Context};
use needlepoint_store::chain::verify_store;

use super::progress::bar;
use super::server::block_on;
use crate::args::DatabaseArgs;
use crate::database::{self, Location, OpenOptions};
use crate::error::CliError;

/// A use case's refusal as the command line says it: the field as the flag it came from.
fn app_error(error: AppError) -> CliError {
    match error.fields().into_iter().next() {
        Some((field, problem)) => CliError::Config(format!("--{field}: {problem}")),
        None => match error {
            AppError::Internal(detail) => CliError::Server(detail),
            other => CliError::Config(other.to_string()),
        },
    }
}

fn open_options(db: &DatabaseArgs) -> OpenOptions {
    OpenOptions {
        single_migrator: db.single_migrator,
    }
}

pub fn add_user(db: &DatabaseArgs, email: &str, role: &str, out: &mut impl Write) -> Result<(), CliError> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|source| CliError::Read {
            path: "standard input".into(),
            source,
        })?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    let location = Location::from_args(&db.data_dir, db.database_url.as_deref())?;
    let user = block_on(async {
        let opened = database::open(&location, open_options(db)).await?;
        let protocol = Arc::new(
            needlepoint_domain::protocol::Protocol::embedded()
                .map_err(|problems| CliError::Protocol { problems })?,
        );
        let ctx = Context::start(opened.store, protocol, ClinicConfig::default())
            .await
            .map_err(app_error)?;
        let account = NewAccount {
            email: email.to_string(),
            role: role.to_string(),
            password,
        };
        users::create(&ctx, &Actor::Job("command line"), &account)
            .await
            .map_err(app_error)
    })??;
    writeln!(
        out,
        "added {} ({}) with id {}",
        user.email,
        user.role.name(),
        user.id
    )
    .map_err(CliError::Output)
}

pub fn verify_audit(db: &DatabaseArgs, out: &mut impl Write) -> Result<(), CliError> {
    let location = Location::from_args(&db.data_dir, db.database_url.as_deref())?;
    if let Location::Sqlite { path, .. } = &location
        && !path.exists()
    {
        return Err(CliError::Config(format!("{}: no database here", path.display())));
    }
    verify_chain(&location, out)
}

/// Reads the whole audit chain and checks every link.
pub fn verify_chain(location: &Location, out: &mut impl Write) -> Result<(), CliError> {
    let location = match location {
        // Verifying never creates a database.
        Location::Sqlite { path, .. } => Location::Sqlite {
            path: path.clone(),
            create: false,
        },
        other => other.clone(),
    };
    let verified = block_on(async {
        let opened = database::open(
            &location,
            OpenOptions {
                single_migrator: false,
            },
        )
        .await?;
        verify_store(opened.store.as_ref())
            .await
            .map_err(|e| CliError::Server(e.to_string()))
    })??;
    match verified {
        Ok(count) => {
            writeln!(out, "audit log verified: {count} entries, chain intact").map_err(CliError::Output)
        }
        Err(problem) => Err(CliError::AuditBroken(problem.to_string())),
    }
}

/// Synthetic clients, intakes and signed sessions through the clinical engine and the store.
pub fn seed(db: &DatabaseArgs, clients: u32, sessions: u32, out: &mut impl Write) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let location = Location::from_args(&db.data_dir, db.database_url.as_deref())?;
    let report = block_on(async {
        let opened = database::open(&location, open_options(db)).await?;
        let protocol = Arc::new(
            needlepoint_domain::protocol::Protocol::embedded()
                .map_err(|problems| CliError::Protocol { problems })?,
        );
        let ctx = Context::start(opened.store, protocol, ClinicConfig::default())
            .await
            .map_err(app_error)?;
        let progress = bar(u64::from(clients) + u64::from(sessions), "records");
        let report = volume::seed(&ctx, u64::from(clients), u64::from(sessions), &|n| {
            progress.inc(n)
        })
        .await
        .map_err(app_error);
        progress.finish_and_clear();
        report
    })??;
    writeln!(
        out,
        "seeded {} clients ({} with a plan that allows treatment) and {} signed sessions in {:.1} s",
        report.clients,
        report.treatable,
        report.sessions,
        started.elapsed().as_secs_f64()
    )
    .map_err(CliError::Output)
}
