//! The [`Store`] on PostgreSQL: the same records, rules and audit chain as the embedded engine.

use async_trait::async_trait;
use needlepoint_store::*;
use needlepoint_store_sql::clash::{CLASH_SQL, clash_sentences};
use needlepoint_store_sql::rows::{
    Columns, amendment_from_row, appointment_from_row, audit_from_row, chart_from_row, client_from_row,
    consent_from_row, depth_override_from_row, device_from_row, formulary_from_row, intake_from_row,
    licence_from_row, lot_trace_from_row, room_from_row, template_from_row, user_from_row,
};
use needlepoint_store_sql::search::client_search;
use needlepoint_store_sql::{
    CLIENT_COLUMNS, CONSENT_SELECT, chain_links, check_editable, hex_sha256, key, phone_key,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, QueryBuilder};

use crate::{MAX_ATTEMPTS, PgStore, backend, backoff};

/// Runs `$body` inside a transaction bound to `$tx` and commits it. The transaction first locks
/// the audit chain's last entry, so audited writes from every server take turns as SQLite's
/// `BEGIN IMMEDIATE` makes them; when it still collided with another server's write (the chain
/// moved on while it waited, or a serializable engine reports 40001), all of it runs again.
/// `?` and `return Err(..)` inside the body abandon the transaction, which is rolled back there and
/// then: left to a dropped handle, the rollback would wait for the connection's next use, and the
/// locks it holds would stall the retry.
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $body:block) => {{
        let _turn = $store.writes.lock().await;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let outcome = async {
                let mut $tx = $store.begin().await?;
                lock_chain(&mut $tx).await?;
                let done = async { Ok::<_, StoreError>($body) }.await;
                match done {
                    Ok(value) => {
                        $tx.commit().await.map_err(backend)?;
                        Ok(value)
                    }
                    Err(error) => {
                        if let Err(rollback) = $tx.rollback().await {
                            tracing::warn!(%rollback, "rolling back an abandoned write failed");
                        }
                        Err(error)
                    }
                }
            }
            .await;
            match outcome {
                Err(StoreError::Busy(_)) if attempt < MAX_ATTEMPTS => backoff(attempt).await,
                other => break other,
            }
        }
    }};
}

/// SQL assembled from constants and clamped integers only; every value goes in as a bind parameter.
macro_rules! sql {
    ($($part:tt)*) => {
        sqlx::AssertSqlSafe(format!($($part)*))
    };
}

fn to_json(value: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

/// Waits for the audit chain: locks its last entry until this transaction ends. Every audited
/// write takes it first, so a booking's clash check, an intake's number or a version check never
/// runs beside another server's write of the same kind. A writer that waited for the lock holds
/// what was the last entry when it asked; while the chain has grown since, it waits for the new
/// end. (Should two still meet, on an empty chain say, the second append takes a number already
/// taken and the transaction runs again.)
async fn lock_chain(conn: &mut PgConnection) -> StoreResult<()> {
    loop {
        let locked: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1 FOR UPDATE")
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
        let newest: Option<i64> = sqlx::query_scalar("SELECT max(seq) FROM audit_log")
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;
        if locked == newest {
            return Ok(());
        }
    }
}

/// Appends entries to the audit chain inside the caller's transaction.
async fn append_chain(conn: &mut PgConnection, entries: &[NewAuditEntry]) -> StoreResult<()> {
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    let last = match last {
        Some(row) => Some((row.int("seq")?, row.text("hash")?)),
        None => None,
    };
    let links = chain_links(last, entries);
    let rows: Vec<_> = links.iter().zip(entries).collect();
    for chunk in rows.chunks(500) {
        let mut insert = QueryBuilder::<sqlx::Postgres>::new(
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
    conn: &mut PgConnection,
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
async fn guard_chart(conn: &mut PgConnection, id: &str, expected_version: i64) -> StoreResult<ChartRecord> {
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
async fn stale_or_missing(conn: &mut PgConnection, id: &str) -> StoreError {
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

async fn current_appointment(conn: &mut PgConnection, id: &str) -> StoreResult<Appointment> {
    let row = sqlx::query("SELECT * FROM appointments WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    row.as_ref()
        .map(appointment_from_row)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

impl PgStore {
    async fn one<T>(
        &self,
        sql: &'static str,
        key: &str,
        map: fn(&PgRow) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        let row = sqlx::query(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| map(&r)).transpose()
    }

    async fn all<T>(
        &self,
        sql: &'static str,
        key: Option<&str>,
        map: fn(&PgRow) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let mut query = sqlx::query(sql);
        if let Some(key) = key {
            query = query.bind(key);
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter().map(map).collect()
    }

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

#[async_trait]
impl Store for PgStore {
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
        let email = user.email.trim().to_string();
        in_transaction!(self, |tx| {
            sqlx::query(
                "INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&user.id)
            .bind(&email)
            .bind(user.role.name())
            .bind(&user.password_hash)
            .bind(&user.created_at)
            .execute(&mut *tx)
            .await
            .map_err(unique_or(|| format!("a user with email {email} exists")))?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        Ok(User {
            id: user.id,
            email,
            role: user.role,
            password_hash: user.password_hash,
            created_at: user.created_at,
        })
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.one(
            "SELECT * FROM users WHERE lower(email) = lower($1)",
            email.trim(),
            user_from_row,
        )
        .await
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        self.one("SELECT * FROM users WHERE id = $1", id, user_from_row)
            .await
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        self.all(
            "SELECT * FROM users ORDER BY lower(email), email",
            None,
            user_from_row,
        )
        .await
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
            "SELECT s.user_id AS session_user_id, s.csrf_token, s.created_at_unix, s.last_seen_at_unix, u.*
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
            user_id: row.text("session_user_id")?,
            csrf_token: row.text("csrf_token")?,
            created_at: row.int("created_at_unix")?,
            last_seen_at: row.int("last_seen_at_unix")?,
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
        in_transaction!(self, |tx| {
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        self.client(&id).await?.ok_or(StoreError::NotFound)
    }

    async fn client(&self, id: &str) -> StoreResult<Option<Client>> {
        let row = sqlx::query(sql!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| client_from_row(&r)).transpose()
    }

    async fn update_client(
        &self,
        id: &str,
        expected_version: i64,
        fields: ClientFields,
        audit: NewAuditEntry,
    ) -> StoreResult<Client> {
        in_transaction!(self, |tx| {
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        self.client(id).await?.ok_or(StoreError::NotFound)
    }

    async fn archive_client(
        &self,
        id: &str,
        expected_version: i64,
        audit: NewAuditEntry,
    ) -> StoreResult<Client> {
        in_transaction!(self, |tx| {
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
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
        let number = in_transaction!(self, |tx| {
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
            number
        })?;
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
        self.one("SELECT * FROM intakes WHERE id = $1", id, intake_from_row)
            .await
    }

    async fn intakes_for_client(&self, client_id: &str) -> StoreResult<Vec<IntakeRecord>> {
        self.all(
            "SELECT * FROM intakes WHERE client_id = $1 ORDER BY number DESC",
            Some(client_id),
            intake_from_row,
        )
        .await
    }

    async fn add_depth_override(
        &self,
        change: NewDepthOverride,
        audit: NewAuditEntry,
    ) -> StoreResult<DepthOverride> {
        in_transaction!(self, |tx| {
            sqlx::query(
                "INSERT INTO depth_overrides (id, intake_id, zone, planned_hundredths, outside_bounds, reason, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&change.id)
            .bind(&change.intake_id)
            .bind(&change.zone)
            .bind(change.planned_hundredths)
            .bind(i64::from(change.outside_bounds))
            .bind(&change.reason)
            .bind(&change.created_by)
            .bind(&change.created_at)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
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
        self.all(
            "SELECT * FROM depth_overrides WHERE intake_id = $1 ORDER BY created_at, id",
            Some(intake_id),
            depth_override_from_row,
        )
        .await
    }

    async fn ensure_consent_template(&self, template: NewConsentTemplate) -> StoreResult<ConsentTemplate> {
        let sha = hex_sha256(&template.body);
        let (existing, version) = in_transaction!(self, |tx| {
            let current =
                sqlx::query("SELECT * FROM consent_templates WHERE kind = $1 ORDER BY version DESC LIMIT 1")
                    .bind(template.kind.name())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
            let current = current.as_ref().map(template_from_row).transpose()?;
            match current {
                Some(existing) if existing.sha256 == sha => (Some(existing), 0),
                current => {
                    let version = current.map_or(1, |t| t.version + 1);
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
                    (None, version)
                }
            }
        })?;
        if let Some(existing) = existing {
            return Ok(existing);
        }
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
        self.one(
            "SELECT * FROM consent_templates WHERE kind = $1 ORDER BY version DESC LIMIT 1",
            kind.name(),
            template_from_row,
        )
        .await
    }

    async fn consent_template(&self, id: &str) -> StoreResult<Option<ConsentTemplate>> {
        self.one(
            "SELECT * FROM consent_templates WHERE id = $1",
            id,
            template_from_row,
        )
        .await
    }

    async fn add_consent(&self, consent: NewConsent, audit: NewAuditEntry) -> StoreResult<Consent> {
        let scopes = to_json(&consent.scopes)?;
        in_transaction!(self, |tx| {
            let sha: Option<String> =
                sqlx::query_scalar("SELECT sha256 FROM consent_templates WHERE id = $1")
                    .bind(&consent.template_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
            let sha = sha.ok_or(StoreError::NotFound)?;
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        self.consent(&consent.id).await
    }

    async fn consents_for_client(&self, client_id: &str) -> StoreResult<Vec<Consent>> {
        let rows = sqlx::query(sql!(
            "{CONSENT_SELECT} WHERE c.client_id = $1 ORDER BY c.signed_at DESC, c.id"
        ))
        .bind(client_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(consent_from_row).collect()
    }

    async fn withdraw_consent(
        &self,
        withdrawal: ConsentWithdrawal,
        audit: NewAuditEntry,
    ) -> StoreResult<Consent> {
        in_transaction!(self, |tx| {
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        self.consent(&withdrawal.consent_id).await
    }

    async fn set_licence(&self, licence: Licence, audit: NewAuditEntry) -> StoreResult<Licence> {
        in_transaction!(self, |tx| {
            sqlx::query(
                "INSERT INTO practitioner_licences (user_id, licence_type, max_depth_hundredths, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id) DO UPDATE SET licence_type = excluded.licence_type,
                     max_depth_hundredths = excluded.max_depth_hundredths, updated_at = excluded.updated_at",
            )
            .bind(&licence.user_id)
            .bind(&licence.licence_type)
            .bind(i64::from(licence.max_depth_hundredths))
            .bind(&licence.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        Ok(licence)
    }

    async fn licence(&self, user_id: &str) -> StoreResult<Option<Licence>> {
        self.one(
            "SELECT * FROM practitioner_licences WHERE user_id = $1",
            user_id,
            licence_from_row,
        )
        .await
    }

    async fn create_room(&self, room: Room, audit: NewAuditEntry) -> StoreResult<Room> {
        in_transaction!(self, |tx| {
            sqlx::query("INSERT INTO rooms (id, name, created_at) VALUES ($1, $2, $3)")
                .bind(&room.id)
                .bind(&room.name)
                .bind(&room.created_at)
                .execute(&mut *tx)
                .await
                .map_err(unique_or(|| format!("a room named {} exists", room.name)))?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        Ok(room)
    }

    async fn rooms(&self) -> StoreResult<Vec<Room>> {
        self.all(
            "SELECT * FROM rooms ORDER BY lower(name), name",
            None,
            room_from_row,
        )
        .await
    }

    async fn create_device(&self, device: Device, audit: NewAuditEntry) -> StoreResult<Device> {
        in_transaction!(self, |tx| {
            sqlx::query(
                "INSERT INTO devices (id, name, model, serial, min_hundredths, max_hundredths, labelled_limits,
                                      last_serviced_on, service_due_on, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&device.id)
            .bind(&device.name)
            .bind(&device.model)
            .bind(&device.serial)
            .bind(i64::from(device.min_hundredths))
            .bind(i64::from(device.max_hundredths))
            .bind(&device.labelled_limits)
            .bind(&device.last_serviced_on)
            .bind(&device.service_due_on)
            .bind(&device.created_at)
            .execute(&mut *tx)
            .await
            .map_err(unique_or(|| format!("a device with serial {} exists", device.serial)))?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        Ok(device)
    }

    async fn devices(&self) -> StoreResult<Vec<Device>> {
        self.all(
            "SELECT * FROM devices ORDER BY name, serial",
            None,
            device_from_row,
        )
        .await
    }

    async fn book(&self, appointment: NewAppointment, audit: NewAuditEntry) -> StoreResult<Appointment> {
        let a = appointment;
        let zones = to_json(&a.zones)?;
        in_transaction!(self, |tx| {
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        self.appointment(&a.id).await?.ok_or(StoreError::NotFound)
    }

    async fn appointment(&self, id: &str) -> StoreResult<Option<Appointment>> {
        self.one(
            "SELECT * FROM appointments WHERE id = $1",
            id,
            appointment_from_row,
        )
        .await
    }

    async fn appointments(&self, filter: &AppointmentFilter) -> StoreResult<Vec<Appointment>> {
        // Only the filters given go into the SQL, so that each can use its index.
        let mut query = QueryBuilder::<sqlx::Postgres>::new("SELECT * FROM appointments WHERE starts_at >= ");
        query.push_bind(&filter.from);
        query.push(" AND starts_at < ").push_bind(&filter.to);
        for (column, value) in [
            ("practitioner_id", &filter.practitioner_id),
            ("room_id", &filter.room_id),
            ("device_id", &filter.device_id),
            ("client_id", &filter.client_id),
        ] {
            if let Some(value) = value {
                query.push(format!(" AND {column} = ")).push_bind(value);
            }
        }
        query.push(" ORDER BY starts_at, id LIMIT 5000");
        let rows = query.build().fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter().map(appointment_from_row).collect()
    }

    async fn change_appointment(
        &self,
        change: AppointmentChange,
        audit: NewAuditEntry,
    ) -> StoreResult<Appointment> {
        in_transaction!(self, |tx| {
            let current = current_appointment(&mut tx, &change.id).await?;
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        self.appointment(&change.id).await?.ok_or(StoreError::NotFound)
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<serde_json::Value>> {
        self.one(
            "SELECT value_json FROM clinic_settings WHERE key = $1",
            key,
            |r| r.json("value_json"),
        )
        .await
    }

    async fn set_setting(
        &self,
        key: &str,
        value: serde_json::Value,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let value = value.to_string();
        in_transaction!(self, |tx| {
            sqlx::query(
                "INSERT INTO clinic_settings (key, value_json, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(&value)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })
    }

    async fn add_formulary_item(
        &self,
        item: FormularyItem,
        audit: NewAuditEntry,
    ) -> StoreResult<FormularyItem> {
        in_transaction!(self, |tx| {
            sqlx::query("INSERT INTO formulary (id, name, use, created_at) VALUES ($1, $2, $3, $4)")
                .bind(&item.id)
                .bind(&item.name)
                .bind(&item.use_for)
                .bind(&item.created_at)
                .execute(&mut *tx)
                .await
                .map_err(unique_or(|| format!("{} is already on the formulary", item.name)))?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        Ok(item)
    }

    async fn formulary(&self) -> StoreResult<Vec<FormularyItem>> {
        self.all(
            "SELECT * FROM formulary ORDER BY use, lower(name), name",
            None,
            formulary_from_row,
        )
        .await
    }

    async fn check_in(
        &self,
        change: AppointmentChange,
        chart: ChartRecord,
        audit: NewAuditEntry,
    ) -> StoreResult<(Appointment, ChartRecord)> {
        in_transaction!(self, |tx| {
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
                let current = current_appointment(&mut tx, &change.id).await?;
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        let appointment = self.appointment(&change.id).await?.ok_or(StoreError::NotFound)?;
        let chart = self.chart(&chart.id).await?.ok_or(StoreError::NotFound)?;
        Ok((appointment, chart))
    }

    async fn chart(&self, id: &str) -> StoreResult<Option<ChartRecord>> {
        self.one("SELECT * FROM charts WHERE id = $1", id, chart_from_row)
            .await
    }

    async fn chart_for_appointment(&self, appointment_id: &str) -> StoreResult<Option<ChartRecord>> {
        self.one(
            "SELECT * FROM charts WHERE appointment_id = $1",
            appointment_id,
            chart_from_row,
        )
        .await
    }

    async fn charts_for_client(&self, client_id: &str) -> StoreResult<Vec<ChartRecord>> {
        self.all(
            "SELECT * FROM charts WHERE client_id = $1 ORDER BY created_at DESC, id",
            Some(client_id),
            chart_from_row,
        )
        .await
    }

    async fn save_chart(
        &self,
        id: &str,
        expected_version: i64,
        chart: serde_json::Value,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord> {
        let chart = chart.to_string();
        in_transaction!(self, |tx| {
            guard_chart(&mut tx, id, expected_version).await?;
            let row = sqlx::query(
                "UPDATE charts SET chart_json = $2, version = version + 1, updated_at = $3 WHERE id = $1 RETURNING *",
            )
            .bind(id)
            .bind(&chart)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
            chart_from_row(&row)?
        })
    }

    async fn cosign_chart(
        &self,
        id: &str,
        expected_version: i64,
        cosigner: &str,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord> {
        in_transaction!(self, |tx| {
            guard_chart(&mut tx, id, expected_version).await?;
            let row = sqlx::query(
                "UPDATE charts SET cosigned_by = $2, cosigned_at = $3, version = version + 1, updated_at = $3
                 WHERE id = $1 RETURNING *",
            )
            .bind(id)
            .bind(cosigner)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
            chart_from_row(&row)?
        })
    }

    async fn sign_chart(&self, signature: ChartSignature, audit: NewAuditEntry) -> StoreResult<ChartRecord> {
        let s = signature;
        in_transaction!(self, |tx| {
            let record = guard_chart(&mut tx, &s.chart_id, s.expected_version).await?;
            let row = sqlx::query(
                "UPDATE charts SET signed_by = $2, signed_at = $3, version = version + 1, updated_at = $3
                 WHERE id = $1 RETURNING *",
            )
            .bind(&s.chart_id)
            .bind(&s.signed_by)
            .bind(&s.signed_at)
            .fetch_one(&mut *tx)
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
            chart_from_row(&row)?
        })
    }

    async fn add_amendment(&self, amendment: Amendment, audit: NewAuditEntry) -> StoreResult<Amendment> {
        let a = amendment;
        in_transaction!(self, |tx| {
            let signed: Option<Option<String>> =
                sqlx::query_scalar("SELECT signed_at FROM charts WHERE id = $1")
                    .bind(&a.chart_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
            match signed {
                None => return Err(StoreError::NotFound),
                Some(None) => {
                    return Err(StoreError::Frozen(
                        "the chart is not signed yet: edit it directly; amendments are for signed charts"
                            .into(),
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })?;
        Ok(a)
    }

    async fn amendments(&self, chart_id: &str) -> StoreResult<Vec<Amendment>> {
        self.all(
            "SELECT * FROM chart_amendments WHERE chart_id = $1 ORDER BY created_at, id",
            Some(chart_id),
            amendment_from_row,
        )
        .await
    }

    async fn amended_charts(&self, client_id: &str) -> StoreResult<Vec<String>> {
        self.all(
            "SELECT DISTINCT a.chart_id FROM chart_amendments a JOIN charts c ON c.id = a.chart_id
             WHERE c.client_id = $1",
            Some(client_id),
            |r| r.text("chart_id"),
        )
        .await
    }

    async fn lot_trace(&self, lot: &str) -> StoreResult<Vec<LotTrace>> {
        // Lots compare without regard to case (the index is on lower(lot)), as in the embedded engine.
        self.all(
            "SELECT l.lot, l.kind, l.product, l.used_on, l.chart_id, l.client_id,
                    c.given_name, c.family_name, c.email, c.phone
             FROM lot_uses l JOIN clients c ON c.id = l.client_id
             WHERE lower(l.lot) = lower($1) ORDER BY l.used_on DESC, l.chart_id LIMIT 10000",
            Some(lot.trim()),
            lot_trace_from_row,
        )
        .await
    }

    async fn add_aftercare_link(&self, link: AftercareLink, audit: NewAuditEntry) -> StoreResult<()> {
        in_transaction!(self, |tx| {
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
            append_chain(&mut tx, std::slice::from_ref(&audit)).await?;
        })
    }

    async fn aftercare_link(&self, token_hash: &str) -> StoreResult<Option<AftercareLink>> {
        self.one(
            "SELECT * FROM aftercare_links WHERE token_hash = $1",
            token_hash,
            |r| {
                Ok(AftercareLink {
                    token_hash: r.text("token_hash")?,
                    chart_id: r.text("chart_id")?,
                    expires_at_unix: r.int("expires_at_unix")?,
                    created_by: r.text("created_by")?,
                    created_at: r.text("created_at")?,
                })
            },
        )
        .await
    }

    async fn append_audit(&self, entries: Vec<NewAuditEntry>) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        in_transaction!(self, |tx| {
            append_chain(&mut tx, &entries).await?;
        })
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let limit = filter.limit.clamp(1, 1000);
        let mut query = QueryBuilder::<sqlx::Postgres>::new("SELECT * FROM audit_log WHERE 1 = 1");
        for (column, value) in [("client_id", &filter.client_id), ("user_id", &filter.user_id)] {
            if let Some(value) = value {
                query.push(format!(" AND {column} = ")).push_bind(value);
            }
        }
        query.push(format!(" ORDER BY seq DESC LIMIT {limit}"));
        let rows = query.build().fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn audit_chain(&self) -> StoreResult<Vec<AuditEntry>> {
        self.all("SELECT * FROM audit_log ORDER BY seq", None, audit_from_row)
            .await
    }
}
