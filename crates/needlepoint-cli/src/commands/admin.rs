//! `needlepoint user add` and `needlepoint audit verify`.

use std::io::{BufRead, Write};
use std::path::Path;

use needlepoint_store::Store;
use needlepoint_store::audit::verify;

use super::server::{block_on, open_store};
use crate::error::CliError;

pub fn add_user(data_dir: &Path, email: &str, role: &str, out: &mut impl Write) -> Result<(), CliError> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|source| CliError::Read {
            path: "standard input".into(),
            source,
        })?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    let user = block_on(async {
        let store = open_store(data_dir, None).await?;
        needlepoint_web::create_user(&store, None, email, role, &password)
            .await
            .map_err(|e| match e.body().fields.iter().next() {
                Some((field, problem)) => CliError::Config(format!("--{field}: {problem}")),
                None => CliError::Config(e.to_string()),
            })
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

pub fn verify_audit(
    data_dir: &Path,
    database_url: Option<&str>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let default_db = data_dir.join("needlepoint.db");
    if database_url.is_none() && !default_db.exists() {
        return Err(CliError::Config(format!(
            "{}: no database here",
            default_db.display()
        )));
    }
    let chain = block_on(async {
        let store = open_store(data_dir, database_url).await?;
        store
            .audit_chain()
            .await
            .map_err(|e| CliError::Server(e.to_string()))
    })??;
    match verify(&chain) {
        Ok(count) => {
            writeln!(out, "audit log verified: {count} entries, chain intact").map_err(CliError::Output)
        }
        Err(problem) => Err(CliError::AuditBroken(problem.to_string())),
    }
}
