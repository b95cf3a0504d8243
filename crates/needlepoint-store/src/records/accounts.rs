//! Staff accounts, their sessions and the one-time set-up links.

use std::fmt;

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{NewAuditEntry, StoreResult, UserId};

/// What a signed-in person may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Users, clinic settings, protocol overrides, the audit log; and everything a practitioner does.
    Owner,
    /// Clinical work: intakes, plans, consent, the treatment room.
    Practitioner,
    /// Clients, contact details, booking; no clinical notes.
    FrontDesk,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Practitioner, Role::FrontDesk];

    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Practitioner => "practitioner",
            Role::FrontDesk => "front_desk",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Practitioner => "Practitioner",
            Role::FrontDesk => "Front desk",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// May see and record clinical data (intakes, plans, consent, charts).
    pub fn is_clinical(self) -> bool {
        matches!(self, Role::Owner | Role::Practitioner)
    }
}

#[derive(Clone)]
pub struct NewUser {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: Timestamp,
}

#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    /// Never sent and never printed (see the `Debug` impl).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub password_hash: String,
    pub created_at: Timestamp,
}

/// Prints everything but the password hash.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("password_hash", &"[redacted]")
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// Prints everything but the password hash.
impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("password_hash", &"[redacted]")
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub struct NewSession {
    /// SHA-256 of the cookie token: the token itself is never stored.
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    /// Unix seconds.
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub user_id: UserId,
    pub csrf_token: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// Accounts, sessions and set-up links.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn count_users(&self) -> StoreResult<i64>;
    async fn create_user(&self, user: NewUser, audit: NewAuditEntry) -> StoreResult<User>;
    /// The user with this email, compared without regard to case.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn user(&self, id: &UserId) -> StoreResult<Option<User>>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<(SessionRecord, User)>>;
    async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn create_setup_token(&self, token_hash: &str, now: i64) -> StoreResult<()>;
    /// Marks a setup token used; false when it does not exist, was used, or has expired.
    async fn consume_setup_token(
        &self,
        token_hash: &str,
        now: i64,
        max_age_seconds: i64,
    ) -> StoreResult<bool>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_never_prints_its_password_hash() {
        let user = User {
            id: UserId::new(),
            email: "ana@clinic.example".into(),
            role: Role::Owner,
            password_hash: "$argon2id$v=19$secret".into(),
            created_at: Timestamp::UNIX_EPOCH,
        };
        let printed = format!("{user:?} {user:#?}");
        assert!(!printed.contains("argon2"), "{printed}");
        assert!(printed.contains("ana@clinic.example"));
        assert!(!serde_json::to_string(&user).unwrap().contains("argon2"));
    }
}
