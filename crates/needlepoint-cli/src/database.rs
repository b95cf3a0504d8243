//! Which database a command works on: the URL's scheme picks the engine. No URL means the SQLite
//! file in the data folder (created on first use); an explicit URL must name a database that
//! exists, and an unknown scheme is an error, so a typo never starts an empty clinic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use needlepoint_store::Store;
use needlepoint_store_postgres::PgOptions;
use needlepoint_store_sql::transfer::Tables;

use crate::error::CliError;

/// A database, by engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file; `create` only for the data folder's default file (or a copy's new target).
    Sqlite {
        path: PathBuf,
        create: bool,
    },
    Postgres {
        url: String,
    },
}

impl Location {
    /// Reads `--database-url`, falling back to `needlepoint.db` in the data folder.
    pub fn from_args(data_dir: &Path, database_url: Option<&str>) -> Result<Location, CliError> {
        match database_url {
            None => Ok(Location::Sqlite {
                path: data_dir.join("needlepoint.db"),
                create: true,
            }),
            Some(url) => Location::parse(url),
        }
    }

    /// `sqlite://PATH` (or `sqlite:PATH`), `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<Location, CliError> {
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split_once('?').map_or(path, |(p, _)| p);
            if path.is_empty() || path == ":memory:" {
                return Err(CliError::Config(format!(
                    "--database-url {url}: name the database file, e.g. sqlite:///var/lib/needlepoint/needlepoint.db"
                )));
            }
            return Ok(Location::Sqlite {
                path: PathBuf::from(path),
                create: false,
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres { url: url.to_string() });
        }
        let scheme = url.split_once(':').map_or(url, |(s, _)| s);
        Err(CliError::Config(format!(
            "--database-url: unsupported scheme `{scheme}`; expected sqlite://PATH or postgres://USER@HOST/DATABASE"
        )))
    }

    /// For messages: never the password.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite { path, .. } => format!("SQLite file {}", path.display()),
            Location::Postgres { url } => {
                let without_secret = match (url.split_once("://"), url.rsplit_once('@')) {
                    (Some((scheme, _)), Some((_, host))) => format!("{scheme}://…@{host}"),
                    _ => url.clone(),
                };
                format!("PostgreSQL database {without_secret}")
            }
        }
    }
}

/// How to open: whether migrations run, and whether they may use an advisory lock.
#[derive(Clone, Copy, Debug)]
pub struct OpenOptions {
    pub single_migrator: bool,
}

/// An open database, as the store and as tables.
pub struct Opened {
    pub store: Arc<dyn Store>,
    pub tables: Arc<dyn Tables>,
}

pub async fn open(location: &Location, options: OpenOptions) -> Result<Opened, CliError> {
    match location {
        Location::Sqlite { path, create } => {
            if *create && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            if !*create && !path.exists() {
                return Err(CliError::Config(format!(
                    "{}: no database here (a mistyped path would otherwise start an empty clinic)",
                    path.display()
                )));
            }
            let url = format!("sqlite://{}", path.display());
            let store = Arc::new(
                needlepoint_store_sqlite::open(&url, *create)
                    .await
                    .map_err(|e| CliError::Server(e.to_string()))?,
            );
            Ok(Opened {
                tables: Arc::new(store.engine().clone()),
                store,
            })
        }
        Location::Postgres { url } => {
            let pg_options = PgOptions {
                single_migrator: options.single_migrator,
                ..PgOptions::default()
            };
            let store = Arc::new(
                needlepoint_store_postgres::open(url, pg_options)
                    .await
                    .map_err(|e| CliError::Server(e.to_string()))?,
            );
            Ok(Opened {
                tables: Arc::new(store.engine().clone()),
                store,
            })
        }
    }
}
