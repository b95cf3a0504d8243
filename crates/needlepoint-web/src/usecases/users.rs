//! Staff accounts.

use needlepoint_store::{NewAuditEntry, NewUser, Role, User};

use super::{Problems, new_id};
use crate::auth::password::{MIN_PASSWORD_LENGTH, hash_password};
use crate::auth::session::now_text;
use crate::error::AppError;
use needlepoint_store::Store;

/// Checks and creates a user. `by` is the owner adding them (None for set-up and the CLI).
pub async fn create(
    store: &dyn Store,
    by: Option<&str>,
    email: &str,
    role: &str,
    password: &str,
) -> Result<User, AppError> {
    let mut problems = Problems::default();
    let email = email.trim();
    if !email
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
    {
        problems.add("email", "expected an email address");
    }
    let role = Role::from_name(role);
    if role.is_none() {
        problems.add("role", "expected owner, practitioner or front_desk");
    }
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        problems.add("password", format!("at least {MIN_PASSWORD_LENGTH} characters"));
    }
    problems.finish()?;
    let role = role.ok_or(AppError::Forbidden)?;
    let password_hash = hash_password(password.to_string())
        .await
        .map_err(AppError::Internal)?;
    let id = new_id();
    let audit = NewAuditEntry {
        at: now_text(),
        user_id: by.map(str::to_string).or_else(|| Some(id.clone())),
        client_id: None,
        action: "user.create".into(),
        outcome: "ok".into(),
        detail: format!("user={id} role={}", role.name()),
    };
    let user = NewUser {
        id,
        email: email.to_string(),
        role,
        password_hash,
        created_at: now_text(),
    };
    Ok(store.create_user(user, audit).await?)
}
