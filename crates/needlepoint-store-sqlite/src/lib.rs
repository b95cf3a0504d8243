//! The embedded engine: one SQLite file.
//!
//! Durability: WAL journal with `synchronous = FULL`, so a transaction is on disk (the WAL is
//! fsynced) before the commit returns: every acknowledged write survives a crash or power loss.
//! `NORMAL` would be faster but may lose the last commits on power loss, which a clinic's records
//! cannot afford. Writers take the lock up front (`BEGIN IMMEDIATE`) so that the audit chain's
//! last hash, read inside the transaction, is always the one the new entries follow.

pub mod backup;
mod group_writer;
mod readers;
mod transfer;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use needlepoint_store::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqliteConnection, SqlitePool};

use group_writer::{GroupWriter, append_entries};
use needlepoint_store_sql::clash::{CLASH_SQL, clash_sentences};
use needlepoint_store_sql::rows::{
    self, Columns, amendment_from_row, appointment_from_row, chart_from_row, client_from_row,
    consent_from_row, depth_override_from_row, device_from_row, formulary_from_row, intake_from_row,
    licence_from_row, lot_trace_from_row, room_from_row, template_from_row, user_from_row,
};
use needlepoint_store_sql::search::client_search;
use needlepoint_store_sql::{
    CLIENT_COLUMNS, CONSENT_SELECT, chain_links, check_editable, hex_sha256, key, phone_key,
};
use readers::Readers;

/// SQL assembled from constants and clamped integers only; every value goes in as a bind parameter.
macro_rules! sql {
    ($($part:tt)*) => {
        sqlx::AssertSqlSafe(format!($($part)*))
    };
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A clinic's records in one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Reads by key, off the sqlx worker threads (see `readers`).
    readers: Arc<Readers>,
    /// Group commit for audit batches and chart saves (see `group_writer`).
    writer: GroupWriter,
}

fn backend(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Duplicate(db.message().to_string())
        }
        _ => StoreError::Backend(error.to_string()),
    }
}

impl SqliteStore {
    /// Opens (and migrates) the database at `url` (`sqlite://path` or a plain path). With
    /// `create_if_missing` false a missing file is an error, so a mistyped path never starts an
    /// empty clinic.
    pub async fn open(url: &str, create_if_missing: bool) -> StoreResult<SqliteStore> {
        let url = if url.starts_with("sqlite:") {
            url.to_string()
        } else {
            format!("sqlite://{url}")
        };
        let options = SqliteConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Backend(format!("invalid SQLite URL {url}: {e}")))?
            .create_if_missing(create_if_missing)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // Four connections measured best on the 2-core machines: one is often the audit writer's;
        // more only add context switches (bench/http.sh: 8 gave 16,741 req/s, 4 gave 17,928,
        // 3 gave 13,514).
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await
            .map_err(|e| StoreError::Backend(format!("cannot open {url}: {e}")))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrating {url}: {e}")))?;
        if options.get_filename() == std::path::Path::new(":memory:") {
            return Err(StoreError::Backend(
                "an in-memory database cannot be shared by the read connections: use a file".into(),
            ));
        }
        let readers = Arc::new(Readers::open(options.get_filename())?);
        let writer = GroupWriter::open(options.get_filename())?;
        spawn_checkpointer(pool.clone());
        Ok(SqliteStore {
            pool,
            readers,
            writer,
        })
    }

    /// How many statements the read connections have run since the store opened.
    pub fn read_statements(&self) -> u64 {
        self.readers.statements()
    }

    /// The migrations this engine applies, by version (for the cross-engine check).
    pub fn migration_versions() -> Vec<i64> {
        MIGRATOR.iter().map(|m| m.version).collect()
    }

    /// The raw pool, for tests that must tamper with what is stored.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// One row by one key, mapped; `None` when there is no such row.
    async fn optional<T>(
        &self,
        sql: &'static str,
        key: &str,
        map: fn(&sqlx::sqlite::SqliteRow) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        let row = sqlx::query(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| map(&r)).transpose()
    }

    async fn write_tx(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)
    }
}

/// Copies the WAL back into the database once a second, in the background and without blocking
/// anyone (PASSIVE), so that SQLite's automatic checkpoint rarely lands on a request's commit. The
/// automatic checkpoint stays on as the safety net should this task ever stop.
fn spawn_checkpointer(pool: SqlitePool) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                if pool.is_closed() {
                    break;
                }
                if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                    tracing::warn!(%error, "background checkpoint failed; the automatic one still runs");
                }
            }
        });
    }
}

/// Appends entries to the audit chain inside the caller's transaction.
async fn append_chain(conn: &mut SqliteConnection, entries: &[NewAuditEntry]) -> StoreResult<()> {
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    let last = match last {
        Some(row) => Some((row.int("seq")?, row.text("hash")?)),
        None => None,
    };
    // One multi-row INSERT per chunk: a statement costs a round trip to SQLite's worker thread.
    let links = chain_links(last, entries);
    let rows: Vec<_> = links.iter().zip(entries).collect();
    for chunk in rows.chunks(200) {
        let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO audit_log (seq, at, user_id, client_id, action, outcome, detail, prev_hash, hash) ",
        );
        insert.push_values(chunk, |mut row, ((seq, prev_hash, hash), entry)| {
            row.push_bind(*seq)
                .push_bind(&entry.at)
                .push_bind(&entry.user_id)
                .push_bind(&entry.client_id)
                .push_bind(&entry.action)
                .push_bind(&entry.outcome)
                .push_bind(&entry.detail)
                .push_bind(prev_hash)
                .push_bind(hash);
        });
        insert.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(())
}

/// What already holds the practitioner, room or device between `starts_at` and `ends_at`, as
/// sentences for the front desk. `window_start` bounds the search to an index range.
async fn clashes(
    conn: &mut SqliteConnection,
    own_id: &str,
    [practitioner, room, device]: [&String; 3],
    (starts_at, ends_at, window_start): (&String, &String, &String),
) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(CLASH_SQL)
        .bind(practitioner)
        .bind(room)
        .bind(device)
        .bind(starts_at)
        .bind(ends_at)
        .bind(window_start)
        .bind(own_id)
        .fetch_all(&mut *conn)
        .await
        .map_err(backend)?;
    let mut found = Vec::new();
    for row in &rows {
        found.extend(clash_sentences(row)?);
    }
    Ok(found)
}

/// A unique-index violation in the caller's own words; any other error as it is.
fn unique_or(message: impl FnOnce() -> String) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| match backend(error) {
        StoreError::Duplicate(_) => StoreError::Duplicate(message()),
        other => other,
    }
}

/// The chart as it stands inside a write, refusing a stale version or a signed chart.
async fn guard_chart(
    conn: &mut SqliteConnection,
    id: &str,
    expected_version: i64,
) -> StoreResult<ChartRecord> {
    let row = sqlx::query("SELECT * FROM charts WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    let record = row
        .as_ref()
        .map(chart_from_row)
        .transpose()?
        .ok_or(StoreError::NotFound)?;
    check_editable(&record, expected_version)?;
    Ok(record)
}

/// Why a versioned update changed nothing: the client is at another version, or does not exist.
async fn stale_or_missing(conn: &mut SqliteConnection, id: &str) -> StoreError {
    let current: Result<Option<i64>, sqlx::Error> =
        sqlx::query_scalar("SELECT version FROM clients WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await;
    match current {
        Ok(Some(current)) => StoreError::Conflict { current },
        Ok(None) => StoreError::NotFound,
        Err(error) => backend(error),
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend)
            .map(|_| ())
    }

    async fn count_users(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }

    async fn create_user(&self, user: NewUser, audit: NewAuditEntry) -> StoreResult<User> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&user.id)
        .bind(user.email.trim())
        .bind(user.role.name())
        .bind(&user.password_hash)
        .bind(&user.created_at)
        .execute(&mut *tx)
        .await
        .map_err(unique_or(|| format!("a user with email {} exists", user.email)))?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        Ok(User {
            id: user.id,
            email: user.email.trim().to_string(),
            role: user.role,
            password_hash: user.password_hash,
            created_at: user.created_at,
        })
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.optional(
            "SELECT * FROM users WHERE email = $1",
            email.trim(),
            user_from_row,
        )
        .await
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        self.readers
            .one("SELECT * FROM users WHERE id = $1", &[&id], |r| user_from_row(r))
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY email")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at_unix, last_seen_at_unix)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&session.token_hash)
        .bind(&session.user_id)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .execute(&self.pool)
        .await
        .map_err(backend)
        .map(|_| ())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<(SessionRecord, User)>> {
        let row = sqlx::query(
            "SELECT s.user_id AS session_user, s.csrf_token, s.created_at_unix, s.last_seen_at_unix, u.*
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let session = SessionRecord {
            user_id: row.get("session_user"),
            csrf_token: row.get("csrf_token"),
            created_at: row.get("created_at_unix"),
            last_seen_at: row.get("last_seen_at_unix"),
        };
        Ok(Some((session, user_from_row(&row)?)))
    }

    async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at_unix = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(backend)
            .map(|_| ())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend)
            .map(|_| ())
    }

    async fn create_setup_token(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO setup_tokens (token_hash, created_at_unix) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(backend)
            .map(|_| ())
    }

    async fn consume_setup_token(
        &self,
        token_hash: &str,
        now: i64,
        max_age_seconds: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE setup_tokens SET used_at_unix = $2
             WHERE token_hash = $1 AND used_at_unix IS NULL AND created_at_unix >= $3",
        )
        .bind(token_hash)
        .bind(now)
        .bind(now - max_age_seconds)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn create_client(&self, fields: ClientFields, audit: NewAuditEntry) -> StoreResult<Client> {
        let id = audit
            .client_id
            .clone()
            .ok_or_else(|| StoreError::Backend("audit entry names no client".into()))?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO clients (id, given_name, family_name, birth_date, email, phone,
                                  given_key, family_key, email_key, phone_key, version, archived, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, 0, $11, $11)",
        )
        .bind(&id)
        .bind(&fields.given_name)
        .bind(&fields.family_name)
        .bind(&fields.birth_date)
        .bind(&fields.email)
        .bind(&fields.phone)
        .bind(key(&fields.given_name))
        .bind(key(&fields.family_name))
        .bind(fields.email.as_deref().map(key))
        .bind(fields.phone.as_deref().map(phone_key))
        .bind(&audit.at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.client(&id).await?.ok_or(StoreError::NotFound)
    }

    async fn client(&self, id: &str) -> StoreResult<Option<Client>> {
        self.readers.one(
            &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1"),
            &[&id],
            |r| client_from_row(r),
        )
    }

    async fn update_client(
        &self,
        id: &str,
        expected_version: i64,
        fields: ClientFields,
        audit: NewAuditEntry,
    ) -> StoreResult<Client> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE clients SET given_name = $3, family_name = $4, birth_date = $5, email = $6, phone = $7,
                    given_key = $8, family_key = $9, email_key = $10, phone_key = $11,
                    version = version + 1, updated_at = $12
             WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(expected_version)
        .bind(&fields.given_name)
        .bind(&fields.family_name)
        .bind(&fields.birth_date)
        .bind(&fields.email)
        .bind(&fields.phone)
        .bind(key(&fields.given_name))
        .bind(key(&fields.family_name))
        .bind(fields.email.as_deref().map(key))
        .bind(fields.phone.as_deref().map(phone_key))
        .bind(&audit.at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(stale_or_missing(&mut tx, id).await);
        }
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.client(id).await?.ok_or(StoreError::NotFound)
    }

    async fn archive_client(
        &self,
        id: &str,
        expected_version: i64,
        audit: NewAuditEntry,
    ) -> StoreResult<Client> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE clients SET archived = 1, version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(expected_version)
        .bind(&audit.at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(stale_or_missing(&mut tx, id).await);
        }
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.client(id).await?.ok_or(StoreError::NotFound)
    }

    async fn search_clients(&self, query: &ClientQuery) -> StoreResult<Vec<Client>> {
        let search = client_search(query);
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(search.sql));
        for value in search.binds {
            statement = statement.bind(value);
        }
        let rows = statement.fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter().map(client_from_row).collect()
    }

    async fn count_clients(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT count(*) FROM clients")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }

    async fn add_intake(&self, intake: NewIntake, audit: NewAuditEntry) -> StoreResult<IntakeRecord> {
        let mut tx = self.write_tx().await?;
        let number: i64 =
            sqlx::query_scalar("SELECT coalesce(max(number), 0) + 1 FROM intakes WHERE client_id = $1")
                .bind(&intake.client_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(backend)?;
        sqlx::query(
            "INSERT INTO intakes (id, client_id, number, intake_json, plan_json, decision, protocol_version, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&intake.id)
        .bind(&intake.client_id)
        .bind(number)
        .bind(intake.intake.to_string())
        .bind(intake.plan.to_string())
        .bind(&intake.decision)
        .bind(&intake.protocol_version)
        .bind(&intake.created_by)
        .bind(&intake.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        Ok(IntakeRecord {
            id: intake.id,
            client_id: intake.client_id,
            number,
            intake: intake.intake,
            plan: intake.plan,
            decision: intake.decision,
            protocol_version: intake.protocol_version,
            created_by: intake.created_by,
            created_at: intake.created_at,
        })
    }

    async fn intake(&self, id: &str) -> StoreResult<Option<IntakeRecord>> {
        self.readers
            .one("SELECT * FROM intakes WHERE id = $1", &[&id], |r| {
                intake_from_row(r)
            })
    }

    async fn intakes_for_client(&self, client_id: &str) -> StoreResult<Vec<IntakeRecord>> {
        self.readers.all(
            "SELECT * FROM intakes WHERE client_id = $1 ORDER BY number DESC",
            &[&client_id],
            |r| intake_from_row(r),
        )
    }

    async fn add_depth_override(
        &self,
        change: NewDepthOverride,
        audit: NewAuditEntry,
    ) -> StoreResult<DepthOverride> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO depth_overrides (id, intake_id, zone, planned_hundredths, outside_bounds, reason, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&change.id)
        .bind(&change.intake_id)
        .bind(&change.zone)
        .bind(change.planned_hundredths)
        .bind(change.outside_bounds)
        .bind(&change.reason)
        .bind(&change.created_by)
        .bind(&change.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        Ok(DepthOverride {
            id: change.id,
            intake_id: change.intake_id,
            zone: change.zone,
            planned_hundredths: change.planned_hundredths,
            outside_bounds: change.outside_bounds,
            reason: change.reason,
            created_by: change.created_by,
            created_at: change.created_at,
        })
    }

    async fn depth_overrides(&self, intake_id: &str) -> StoreResult<Vec<DepthOverride>> {
        self.readers.all(
            "SELECT * FROM depth_overrides WHERE intake_id = $1 ORDER BY created_at, id",
            &[&intake_id],
            |r| depth_override_from_row(r),
        )
    }

    async fn ensure_consent_template(&self, template: NewConsentTemplate) -> StoreResult<ConsentTemplate> {
        let sha = hex_sha256(&template.body);
        let mut tx = self.write_tx().await?;
        let current =
            sqlx::query("SELECT * FROM consent_templates WHERE kind = $1 ORDER BY version DESC LIMIT 1")
                .bind(template.kind.name())
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
        if let Some(row) = &current {
            let existing = template_from_row(row)?;
            if existing.sha256 == sha {
                return Ok(existing);
            }
        }
        let version = current.as_ref().map_or(1, |r| r.get::<i64, _>("version") + 1);
        sqlx::query(
            "INSERT INTO consent_templates (id, kind, version, title, body, sha256, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&template.id)
        .bind(template.kind.name())
        .bind(version)
        .bind(&template.title)
        .bind(&template.body)
        .bind(&sha)
        .bind(&template.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(ConsentTemplate {
            id: template.id,
            kind: template.kind,
            version,
            title: template.title,
            body: template.body,
            sha256: sha,
            created_at: template.created_at,
        })
    }

    async fn current_consent_template(&self, kind: ConsentKind) -> StoreResult<Option<ConsentTemplate>> {
        self.optional(
            "SELECT * FROM consent_templates WHERE kind = $1 ORDER BY version DESC LIMIT 1",
            kind.name(),
            template_from_row,
        )
        .await
    }

    async fn consent_template(&self, id: &str) -> StoreResult<Option<ConsentTemplate>> {
        self.optional(
            "SELECT * FROM consent_templates WHERE id = $1",
            id,
            template_from_row,
        )
        .await
    }

    async fn add_consent(&self, consent: NewConsent, audit: NewAuditEntry) -> StoreResult<Consent> {
        let mut tx = self.write_tx().await?;
        let sha: Option<String> = sqlx::query_scalar("SELECT sha256 FROM consent_templates WHERE id = $1")
            .bind(&consent.template_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        let sha = sha.ok_or(StoreError::NotFound)?;
        let scopes =
            serde_json::to_string(&consent.scopes).map_err(|e| StoreError::Backend(e.to_string()))?;
        sqlx::query(
            "INSERT INTO consents (id, client_id, template_id, text_sha256, scopes_json, signer_name, signature_svg,
                                   witness_user_id, signed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&consent.id)
        .bind(&consent.client_id)
        .bind(&consent.template_id)
        .bind(&sha)
        .bind(&scopes)
        .bind(&consent.signer_name)
        .bind(&consent.signature_svg)
        .bind(&consent.witness_user_id)
        .bind(&consent.signed_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.consent(&consent.id).await
    }

    async fn consents_for_client(&self, client_id: &str) -> StoreResult<Vec<Consent>> {
        self.readers.all(
            &format!("{CONSENT_SELECT} WHERE c.client_id = $1 ORDER BY c.signed_at DESC, c.id"),
            &[&client_id],
            |r| consent_from_row(r),
        )
    }

    async fn withdraw_consent(
        &self,
        withdrawal: ConsentWithdrawal,
        audit: NewAuditEntry,
    ) -> StoreResult<Consent> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE consents SET withdrawn_at = $2, withdrawn_by = $3, withdrawal_reason = $4
             WHERE id = $1 AND withdrawn_at IS NULL",
        )
        .bind(&withdrawal.consent_id)
        .bind(&withdrawal.withdrawn_at)
        .bind(&withdrawal.withdrawn_by)
        .bind(&withdrawal.reason)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            let exists: Option<String> = sqlx::query_scalar("SELECT id FROM consents WHERE id = $1")
                .bind(&withdrawal.consent_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
            return Err(if exists.is_some() {
                StoreError::Conflict { current: 0 }
            } else {
                StoreError::NotFound
            });
        }
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.consent(&withdrawal.consent_id).await
    }

    async fn set_licence(&self, licence: Licence, audit: NewAuditEntry) -> StoreResult<Licence> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO practitioner_licences (user_id, licence_type, max_depth_hundredths, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET licence_type = excluded.licence_type,
                 max_depth_hundredths = excluded.max_depth_hundredths, updated_at = excluded.updated_at",
        )
        .bind(&licence.user_id)
        .bind(&licence.licence_type)
        .bind(licence.max_depth_hundredths)
        .bind(&licence.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        Ok(licence)
    }

    async fn licence(&self, user_id: &str) -> StoreResult<Option<Licence>> {
        self.readers.one(
            "SELECT * FROM practitioner_licences WHERE user_id = $1",
            &[&user_id],
            |r| licence_from_row(r),
        )
    }

    async fn create_room(&self, room: Room, audit: NewAuditEntry) -> StoreResult<Room> {
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO rooms (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&room.id)
            .bind(&room.name)
            .bind(&room.created_at)
            .execute(&mut *tx)
            .await
            .map_err(unique_or(|| format!("a room named {} exists", room.name)))?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        Ok(room)
    }

    async fn rooms(&self) -> StoreResult<Vec<Room>> {
        self.readers
            .all("SELECT * FROM rooms ORDER BY name", &[], |r| room_from_row(r))
    }

    async fn create_device(&self, device: Device, audit: NewAuditEntry) -> StoreResult<Device> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO devices (id, name, model, serial, min_hundredths, max_hundredths, labelled_limits,
                                  last_serviced_on, service_due_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&device.id)
        .bind(&device.name)
        .bind(&device.model)
        .bind(&device.serial)
        .bind(device.min_hundredths)
        .bind(device.max_hundredths)
        .bind(&device.labelled_limits)
        .bind(&device.last_serviced_on)
        .bind(&device.service_due_on)
        .bind(&device.created_at)
        .execute(&mut *tx)
        .await
        .map_err(unique_or(|| {
            format!("a device with serial {} exists", device.serial)
        }))?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        Ok(device)
    }

    async fn devices(&self) -> StoreResult<Vec<Device>> {
        self.readers
            .all("SELECT * FROM devices ORDER BY name, serial", &[], |r| {
                device_from_row(r)
            })
    }

    async fn book(&self, appointment: NewAppointment, audit: NewAuditEntry) -> StoreResult<Appointment> {
        let a = appointment;
        let mut tx = self.write_tx().await?;
        let clashes = clashes(
            &mut tx,
            &a.id,
            [&a.practitioner_id, &a.room_id, &a.device_id],
            (&a.starts_at, &a.ends_at, &a.clash_window_start),
        )
        .await?;
        if !clashes.is_empty() {
            return Err(StoreError::Clash(clashes));
        }
        let zones = serde_json::to_string(&a.zones).map_err(|e| StoreError::Backend(e.to_string()))?;
        sqlx::query(
            "INSERT INTO appointments (id, client_id, intake_id, practitioner_id, room_id, device_id, starts_at,
                                       ends_at, zones_json, status, early_reason, version, created_by,
                                       created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'booked', $10, 1, $11, $12, $12)",
        )
        .bind(&a.id)
        .bind(&a.client_id)
        .bind(&a.intake_id)
        .bind(&a.practitioner_id)
        .bind(&a.room_id)
        .bind(&a.device_id)
        .bind(&a.starts_at)
        .bind(&a.ends_at)
        .bind(&zones)
        .bind(&a.early_reason)
        .bind(&a.created_by)
        .bind(&a.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.appointment(&a.id).await?.ok_or(StoreError::NotFound)
    }

    async fn appointment(&self, id: &str) -> StoreResult<Option<Appointment>> {
        self.readers
            .one("SELECT * FROM appointments WHERE id = $1", &[&id], |r| {
                appointment_from_row(r)
            })
    }

    async fn appointments(&self, filter: &AppointmentFilter) -> StoreResult<Vec<Appointment>> {
        // Only the filters given go into the SQL, so each one can use its index
        // (`col IS NULL OR col = ?` would make SQLite scan every appointment).
        let mut sql = String::from("SELECT * FROM appointments WHERE starts_at >= ?1 AND starts_at < ?2");
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&filter.from, &filter.to];
        for (column, value) in [
            ("practitioner_id", &filter.practitioner_id),
            ("room_id", &filter.room_id),
            ("device_id", &filter.device_id),
            ("client_id", &filter.client_id),
        ] {
            if let Some(value) = value {
                params.push(value);
                sql.push_str(&format!(" AND {column} = ?{}", params.len()));
            }
        }
        sql.push_str(" ORDER BY starts_at, id LIMIT 5000");
        self.readers.all(&sql, &params, |r| appointment_from_row(r))
    }

    async fn change_appointment(
        &self,
        change: AppointmentChange,
        audit: NewAuditEntry,
    ) -> StoreResult<Appointment> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query("SELECT * FROM appointments WHERE id = $1")
            .bind(&change.id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        let current = row
            .as_ref()
            .map(appointment_from_row)
            .transpose()?
            .ok_or(StoreError::NotFound)?;
        if current.version != change.expected_version {
            return Err(StoreError::Conflict {
                current: current.version,
            });
        }
        let (starts_at, ends_at) = match &change.new_time {
            Some((starts_at, ends_at, window_start)) => {
                let clashes = clashes(
                    &mut tx,
                    &current.id,
                    [&current.practitioner_id, &current.room_id, &current.device_id],
                    (starts_at, ends_at, window_start),
                )
                .await?;
                if !clashes.is_empty() {
                    return Err(StoreError::Clash(clashes));
                }
                (starts_at.clone(), ends_at.clone())
            }
            None => (current.starts_at.clone(), current.ends_at.clone()),
        };
        sqlx::query(
            "UPDATE appointments SET status = $2, status_reason = $3, starts_at = $4, ends_at = $5,
                    version = version + 1, updated_at = $6
             WHERE id = $1",
        )
        .bind(&change.id)
        .bind(change.status.name())
        .bind(&change.reason)
        .bind(&starts_at)
        .bind(&ends_at)
        .bind(&change.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.appointment(&change.id).await?.ok_or(StoreError::NotFound)
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<serde_json::Value>> {
        self.readers.one(
            "SELECT value_json FROM clinic_settings WHERE key = $1",
            &[&key],
            |r| r.json("value_json"),
        )
    }

    async fn set_setting(
        &self,
        key: &str,
        value: serde_json::Value,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO clinic_settings (key, value_json, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value.to_string())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)
    }

    async fn add_formulary_item(
        &self,
        item: FormularyItem,
        audit: NewAuditEntry,
    ) -> StoreResult<FormularyItem> {
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO formulary (id, name, use, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&item.id)
            .bind(&item.name)
            .bind(&item.use_for)
            .bind(&item.created_at)
            .execute(&mut *tx)
            .await
            .map_err(unique_or(|| format!("{} is already on the formulary", item.name)))?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        Ok(item)
    }

    async fn formulary(&self) -> StoreResult<Vec<FormularyItem>> {
        self.readers
            .all("SELECT * FROM formulary ORDER BY use, name", &[], |r| {
                formulary_from_row(r)
            })
    }

    async fn check_in(
        &self,
        change: AppointmentChange,
        chart: ChartRecord,
        audit: NewAuditEntry,
    ) -> StoreResult<(Appointment, ChartRecord)> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE appointments SET status = 'checked_in', intake_id = COALESCE($4, intake_id),
                    version = version + 1, updated_at = $3
             WHERE id = $1 AND version = $2 AND status = 'booked'",
        )
        .bind(&change.id)
        .bind(change.expected_version)
        .bind(&change.updated_at)
        .bind(&change.new_intake_id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            let row = sqlx::query("SELECT * FROM appointments WHERE id = $1")
                .bind(&change.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
            let current = row
                .as_ref()
                .map(appointment_from_row)
                .transpose()?
                .ok_or(StoreError::NotFound)?;
            return Err(if current.version != change.expected_version {
                StoreError::Conflict {
                    current: current.version,
                }
            } else {
                StoreError::Frozen(format!(
                    "the appointment is {}, not booked",
                    current.status.name()
                ))
            });
        }
        sqlx::query(
            "INSERT INTO charts (id, appointment_id, client_id, chart_json, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $5)",
        )
        .bind(&chart.id)
        .bind(&chart.appointment_id)
        .bind(&chart.client_id)
        .bind(chart.chart.to_string())
        .bind(&chart.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        let appointment = self.appointment(&change.id).await?.ok_or(StoreError::NotFound)?;
        let chart = self.chart(&chart.id).await?.ok_or(StoreError::NotFound)?;
        Ok((appointment, chart))
    }

    async fn chart(&self, id: &str) -> StoreResult<Option<ChartRecord>> {
        self.readers
            .one("SELECT * FROM charts WHERE id = $1", &[&id], |r| {
                chart_from_row(r)
            })
    }

    async fn chart_for_appointment(&self, appointment_id: &str) -> StoreResult<Option<ChartRecord>> {
        self.readers.one(
            "SELECT * FROM charts WHERE appointment_id = $1",
            &[&appointment_id],
            |r| chart_from_row(r),
        )
    }

    async fn charts_for_client(&self, client_id: &str) -> StoreResult<Vec<ChartRecord>> {
        self.readers.all(
            "SELECT * FROM charts WHERE client_id = $1 ORDER BY created_at DESC, id",
            &[&client_id],
            |r| chart_from_row(r),
        )
    }

    async fn save_chart(
        &self,
        id: &str,
        expected_version: i64,
        chart: serde_json::Value,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord> {
        // Through the group writer: saves arriving together share one commit (and one fsync).
        let (id, at, chart) = (id.to_string(), at.to_string(), chart.to_string());
        self.writer
            .write(move |conn| {
                const CHART: &str = "SELECT * FROM charts WHERE id = ?1";
                let current = readers::query_one(conn, CHART, &[&id], |r| chart_from_row(r))?
                    .ok_or(StoreError::NotFound)?;
                check_editable(&current, expected_version)?;
                conn.prepare_cached(
                    "UPDATE charts SET chart_json = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
                )
                .and_then(|mut s| s.execute(rusqlite::params![id, chart, at]))
                .map_err(group_writer::failed)?;
                append_entries(conn, &[audit])?;
                readers::query_one(conn, CHART, &[&id], |r| chart_from_row(r))?.ok_or(StoreError::NotFound)
            })
            .await
    }

    async fn cosign_chart(
        &self,
        id: &str,
        expected_version: i64,
        cosigner: &str,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord> {
        let mut tx = self.write_tx().await?;
        guard_chart(&mut tx, id, expected_version).await?;
        sqlx::query(
            "UPDATE charts SET cosigned_by = $2, cosigned_at = $3, version = version + 1, updated_at = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(cosigner)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.chart(id).await?.ok_or(StoreError::NotFound)
    }

    async fn sign_chart(&self, signature: ChartSignature, audit: NewAuditEntry) -> StoreResult<ChartRecord> {
        let s = signature;
        let mut tx = self.write_tx().await?;
        let record = guard_chart(&mut tx, &s.chart_id, s.expected_version).await?;
        sqlx::query(
            "UPDATE charts SET signed_by = $2, signed_at = $3, version = version + 1, updated_at = $3 WHERE id = $1",
        )
        .bind(&s.chart_id)
        .bind(&s.signed_by)
        .bind(&s.signed_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        for lot in &s.lots {
            sqlx::query(
                "INSERT INTO lot_uses (lot, kind, product, chart_id, client_id, used_on) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(lot.lot.trim())
            .bind(&lot.kind)
            .bind(&lot.product)
            .bind(&s.chart_id)
            .bind(&record.client_id)
            .bind(&s.used_on)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        sqlx::query(
            "UPDATE appointments SET status = 'done', version = version + 1, updated_at = $2 WHERE id = $1",
        )
        .bind(&record.appointment_id)
        .bind(&s.signed_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        self.chart(&s.chart_id).await?.ok_or(StoreError::NotFound)
    }

    async fn add_amendment(&self, amendment: Amendment, audit: NewAuditEntry) -> StoreResult<Amendment> {
        let a = amendment;
        let mut tx = self.write_tx().await?;
        let signed: Option<Option<String>> = sqlx::query_scalar("SELECT signed_at FROM charts WHERE id = $1")
            .bind(&a.chart_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        match signed {
            None => return Err(StoreError::NotFound),
            Some(None) => {
                return Err(StoreError::Frozen(
                    "the chart is not signed yet: edit it directly; amendments are for signed charts".into(),
                ));
            }
            Some(Some(_)) => {}
        }
        sqlx::query(
            "INSERT INTO chart_amendments (id, chart_id, author_id, reason, text, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&a.id)
        .bind(&a.chart_id)
        .bind(&a.author_id)
        .bind(&a.reason)
        .bind(&a.text)
        .bind(&a.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)?;
        Ok(a)
    }

    async fn amendments(&self, chart_id: &str) -> StoreResult<Vec<Amendment>> {
        self.readers.all(
            "SELECT * FROM chart_amendments WHERE chart_id = $1 ORDER BY created_at, id",
            &[&chart_id],
            |r| amendment_from_row(r),
        )
    }

    async fn amended_charts(&self, client_id: &str) -> StoreResult<Vec<String>> {
        self.readers.all(
            "SELECT DISTINCT a.chart_id FROM chart_amendments a JOIN charts c ON c.id = a.chart_id
             WHERE c.client_id = $1",
            &[&client_id],
            |r| r.text("chart_id"),
        )
    }

    async fn lot_trace(&self, lot: &str) -> StoreResult<Vec<LotTrace>> {
        self.readers.all(
            "SELECT l.lot, l.kind, l.product, l.used_on, l.chart_id, l.client_id,
                    c.given_name, c.family_name, c.email, c.phone
             FROM lot_uses l JOIN clients c ON c.id = l.client_id
             WHERE l.lot = $1 ORDER BY l.used_on DESC, l.chart_id LIMIT 10000",
            &[&lot.trim()],
            |r| lot_trace_from_row(r),
        )
    }

    async fn add_aftercare_link(&self, link: AftercareLink, audit: NewAuditEntry) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO aftercare_links (token_hash, chart_id, expires_at_unix, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&link.token_hash)
        .bind(&link.chart_id)
        .bind(link.expires_at_unix)
        .bind(&link.created_by)
        .bind(&link.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        append_chain(&mut tx, &[audit]).await?;
        tx.commit().await.map_err(backend)
    }

    async fn aftercare_link(&self, token_hash: &str) -> StoreResult<Option<AftercareLink>> {
        let row = sqlx::query("SELECT * FROM aftercare_links WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.map(|r| AftercareLink {
            token_hash: r.get("token_hash"),
            chart_id: r.get("chart_id"),
            expires_at_unix: r.get("expires_at_unix"),
            created_by: r.get("created_by"),
            created_at: r.get("created_at"),
        }))
    }

    async fn append_audit(&self, entries: Vec<NewAuditEntry>) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        self.writer
            .write(move |conn| append_entries(conn, &entries))
            .await
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let limit = filter.limit.clamp(1, 1000);
        // One index per filter (by client, by user); `col IS NULL OR col = ?` would walk the
        // whole log backwards.
        let mut sql = String::from("SELECT * FROM audit_log WHERE 1 = 1");
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::new();
        for (column, value) in [("client_id", &filter.client_id), ("user_id", &filter.user_id)] {
            if let Some(value) = value {
                params.push(value);
                sql.push_str(&format!(" AND {column} = ?{}", params.len()));
            }
        }
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT {limit}"));
        self.readers.all(&sql, &params, |r| rows::audit_from_row(r))
    }

    async fn audit_chain(&self) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT * FROM audit_log ORDER BY seq")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(rows::audit_from_row).collect()
    }
}

impl SqliteStore {
    async fn consent(&self, id: &str) -> StoreResult<Consent> {
        let row = sqlx::query(sql!("{CONSENT_SELECT} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| consent_from_row(&r))
            .transpose()?
            .ok_or(StoreError::NotFound)
    }
}
