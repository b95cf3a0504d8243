//! Running the `needlepoint` binary as an operator does, for the process-level tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // shared by several test files; a panic in a test is a failing test

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

pub fn needlepoint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_needlepoint"))
}

/// `needlepoint user add` with the data folder `dir`, the password on standard input.
pub fn add_user(dir: &Path, email: &str, role: &str, password: &str) {
    add_user_at(
        &["--data-dir".into(), dir.as_os_str().to_owned()],
        email,
        role,
        password,
    );
}

/// `needlepoint user add` with the given database arguments.
fn add_user_at(database: &[std::ffi::OsString], email: &str, role: &str, password: &str) {
    let mut child = needlepoint()
        .args([
            "user",
            "add",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
        ])
        .args(database)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// Where a process test keeps its clinic: a data folder, and on PostgreSQL a scratch database
/// (dropped with this value).
pub struct Place {
    pub dir: std::path::PathBuf,
    pub database_url: Option<String>,
    scratch: Option<needlepoint_store_postgres::scratch::ScratchDatabase>,
}

impl Place {
    /// A new data folder; on PostgreSQL also a new database. `None` (with the reason printed)
    /// when PostgreSQL is asked for and no server is configured.
    pub fn new(name: &str, postgres: bool) -> Option<Place> {
        let dir = std::env::temp_dir().join(format!("needlepoint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if !postgres {
            return Some(Place {
                dir,
                database_url: None,
                scratch: None,
            });
        }
        let server = match needlepoint_store_conformance::postgres_server() {
            Ok(server) => server,
            Err(why) => {
                println!("{why}");
                return None;
            }
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let scratch = runtime
            .block_on(needlepoint_store_postgres::scratch::ScratchDatabase::create(
                &server,
            ))
            .unwrap();
        Some(Place {
            dir,
            database_url: Some(scratch.url().to_string()),
            scratch: Some(scratch),
        })
    }

    /// `--data-dir DIR [--database-url URL]`.
    pub fn args(&self) -> Vec<std::ffi::OsString> {
        let mut args = vec!["--data-dir".into(), self.dir.clone().into_os_string()];
        if let Some(url) = &self.database_url {
            args.push("--database-url".into());
            args.push(url.into());
        }
        args
    }

    pub fn is_postgres(&self) -> bool {
        self.scratch.is_some()
    }

    /// Runs `needlepoint ARGS… --data-dir … [--database-url …]`; success and standard output.
    pub fn run(&self, args: &[&str]) -> (bool, String) {
        let out = needlepoint().args(args).args(self.args()).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    /// `needlepoint user add` into this place.
    pub fn add_user(&self, email: &str, role: &str, password: &str) {
        add_user_at(&self.args(), email, role, password);
    }

    /// Starts `needlepoint serve` on a random port; the server and its base URL.
    pub fn serve(&self) -> (std::process::Child, String) {
        use std::io::BufRead;
        let mut child = needlepoint()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(self.args())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 {
            if line.contains("listening on") {
                let address = line.trim().rsplit(' ').next().unwrap().to_string();
                return (child, address);
            }
            line.clear();
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not start");
    }

    /// The ids of every client stored.
    pub fn client_ids(&self) -> std::collections::HashSet<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let ids: Vec<String> = match &self.database_url {
                Some(url) => {
                    let pool = sqlx::PgPool::connect(url).await.unwrap();
                    let ids = sqlx::query_scalar("SELECT id FROM clients")
                        .fetch_all(&pool)
                        .await;
                    pool.close().await;
                    ids.unwrap()
                }
                None => {
                    let url = format!("sqlite://{}?mode=ro", self.dir.join("needlepoint.db").display());
                    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
                    let ids = sqlx::query_scalar("SELECT id FROM clients")
                        .fetch_all(&pool)
                        .await;
                    pool.close().await;
                    ids.unwrap()
                }
            };
            ids.into_iter().collect()
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
