//! Accounts, sessions and set-up links.

use async_trait::async_trait;
use needlepoint_store::{
    AccountStore, NewAuditEntry, NewSession, NewUser, SessionRecord, StoreResult, User, UserId,
};

use crate::engine::{Engine, Tx};
use crate::{SqlStore, args, rows, unique_or};

const SESSION: &str =
    "SELECT s.user_id AS session_user, s.csrf_token, s.created_at_unix, s.last_seen_at_unix, u.*
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";

#[async_trait]
impl<E: Engine> AccountStore for SqlStore<E> {
    async fn count_users(&self) -> StoreResult<i64> {
        self.number("SELECT count(*) AS n FROM users", vec![]).await
    }

    async fn create_user(&self, user: NewUser, audit: NewAuditEntry) -> StoreResult<User> {
        let email = user.email.trim().to_string();
        let created = User {
            id: user.id,
            email,
            role: user.role,
            password_hash: user.password_hash,
            created_at: user.created_at,
        };
        let row = created.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                    &args![&row.id, &row.email, row.role.name(), &row.password_hash, row.created_at],
                )
                .await
                .map_err(unique_or(|| format!("a user with email {} exists", row.email)))?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        Ok(created)
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.one(
            "SELECT * FROM users WHERE lower(email) = lower($1)",
            args![email.trim()],
            rows::user,
        )
        .await
    }

    async fn user(&self, id: &UserId) -> StoreResult<Option<User>> {
        self.one("SELECT * FROM users WHERE id = $1", args![id], rows::user)
            .await
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        self.all(
            "SELECT * FROM users ORDER BY lower(email), email",
            vec![],
            rows::user,
        )
        .await
    }

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at_unix, last_seen_at_unix)
                     VALUES ($1, $2, $3, $4, $4)",
                    &args![&session.token_hash, &session.user_id, &session.csrf_token, session.created_at],
                )
                .await
                .map(|_| ())
            })
            .await
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<(SessionRecord, User)>> {
        let rows = self.engine.query(SESSION, args![token_hash].into()).await?;
        let Some(mut row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let session = SessionRecord {
            user_id: row.id("session_user")?,
            csrf_token: row.text("csrf_token")?,
            created_at: row.int("created_at_unix")?,
            last_seen_at: row.int("last_seen_at_unix")?,
        };
        Ok(Some((session, rows::user(&mut row)?)))
    }

    async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        let token_hash = token_hash.to_string();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "UPDATE sessions SET last_seen_at_unix = $2 WHERE token_hash = $1",
                    &args![&token_hash, now],
                )
                .await
                .map(|_| ())
            })
            .await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let token_hash = token_hash.to_string();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute("DELETE FROM sessions WHERE token_hash = $1", &args![&token_hash])
                    .await
                    .map(|_| ())
            })
            .await
    }

    async fn create_setup_token(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        let token_hash = token_hash.to_string();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO setup_tokens (token_hash, created_at_unix) VALUES ($1, $2)",
                    &args![&token_hash, now],
                )
                .await
                .map(|_| ())
            })
            .await
    }

    async fn consume_setup_token(
        &self,
        token_hash: &str,
        now: i64,
        max_age_seconds: i64,
    ) -> StoreResult<bool> {
        let token_hash = token_hash.to_string();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let changed = tx
                    .execute(
                        "UPDATE setup_tokens SET used_at_unix = $2
                         WHERE token_hash = $1 AND used_at_unix IS NULL AND created_at_unix >= $3",
                        &args![&token_hash, now, now - max_age_seconds],
                    )
                    .await?;
                Ok(changed == 1)
            })
            .await
    }
}
