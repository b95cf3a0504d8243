//! Scratch databases: a fresh, empty PostgreSQL database for one test or benchmark run, dropped
//! when it goes out of scope, so that runs never see each other's data.

use sqlx::{Connection, PgConnection};

/// A database created for this run on the server of `admin_url`.
#[derive(Debug)]
pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates `needlepoint_scratch_<random>` on the server `admin_url` points at (any database on
    /// it that the user may connect to, e.g. `postgres://postgres@127.0.0.1:5432/test`).
    pub async fn create(admin_url: &str) -> Result<ScratchDatabase, sqlx::Error> {
        let name = format!("needlepoint_scratch_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(admin_url).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let base = match admin_url.split_once('?') {
            Some((path, _)) => path,
            None => admin_url,
        };
        let (server, _) = base.rsplit_once('/').unwrap_or((base, ""));
        Ok(ScratchDatabase {
            admin_url: admin_url.to_string(),
            url: format!("{server}/{name}"),
            name,
        })
    }

    /// The URL of the new database.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        // Drop runs outside async; a thread of its own with its own small runtime does the work.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url)
                    .await
                    .map_err(std::io::Error::other)?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .map_err(std::io::Error::other)?;
                Ok::<_, std::io::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            tracing::warn!(database = %self.name, "could not drop the scratch database");
        }
    }
}
