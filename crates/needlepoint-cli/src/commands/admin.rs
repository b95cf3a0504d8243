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

const GIVEN: [&str; 24] = [
    "Amelia", "Jonah", "Priya", "Chloe", "Mateo", "Grace", "Hannah", "Leo", "Sofia", "Yuki", "Olivia",
    "Noah", "Isla", "Aisha", "Ethan", "Mei", "Lucas", "Zara", "Freya", "Daniel", "Lena", "Omar", "Ruby",
    "Kai",
];
const FAMILY: [&str; 24] = [
    "Hart",
    "Reyes",
    "Nair",
    "Dubois",
    "Silva",
    "Okafor",
    "Becker",
    "Marino",
    "Lindqvist",
    "Tanaka",
    "Brennan",
    "Haddad",
    "McLeod",
    "Bello",
    "Walsh",
    "Chen",
    "Moreau",
    "Khan",
    "Nilsen",
    "Cohen",
    "Vogel",
    "Farouk",
    "Thompson",
    "Nakamura",
];

/// Synthetic clients through the store, each with its audit entry, as real ones are made.
pub fn seed(data_dir: &Path, clients: u32, out: &mut impl Write) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    block_on(async {
        let store = open_store(data_dir, None).await?;
        for i in 0..clients {
            let given = GIVEN[(i as usize) % GIVEN.len()];
            let family = FAMILY[(i as usize / GIVEN.len()) % FAMILY.len()];
            let fields = needlepoint_store::ClientFields {
                given_name: given.to_string(),
                family_name: format!("{family}{}", i / 576),
                birth_date: format!("{}-{:02}-{:02}", 1950 + i % 55, 1 + i % 12, 1 + i % 28),
                email: Some(format!(
                    "{}.{}{}@example.com",
                    given.to_lowercase(),
                    family.to_lowercase(),
                    i
                )),
                phone: Some(format!("+44 7{:09}", i)),
            };
            let id = uuid_like(i);
            let audit = needlepoint_store::NewAuditEntry {
                at: jiff::Timestamp::now().to_string(),
                user_id: None,
                client_id: Some(id),
                action: "client.create".into(),
                outcome: "ok".into(),
                detail: "seed".into(),
            };
            store
                .create_client(fields, audit)
                .await
                .map_err(|e| CliError::Server(e.to_string()))?;
            if (i + 1) % 10_000 == 0 {
                eprintln!("seeded {} clients", i + 1);
            }
        }
        Ok::<(), CliError>(())
    })??;
    writeln!(
        out,
        "seeded {clients} clients in {:.1} s",
        started.elapsed().as_secs_f64()
    )
    .map_err(CliError::Output)
}

/// Distinct ids without a UUID dependency here: time-ordered, unique per run and index.
fn uuid_like(i: u32) -> String {
    let now = jiff::Timestamp::now().as_nanosecond();
    format!("{:016x}-seed-{:08x}", now as u64, i)
}
