//! Staff accounts: the owner adds them (or the command line, or the first set-up).

use needlepoint_store::{AuditAction, NewUser, Role, User, UserId};

use super::password::{MIN_PASSWORD_LENGTH, hash_password};
use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problems};

/// A new account as a form, a JSON body or the command line gives it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAccount {
    pub email: String,
    /// `owner`, `practitioner` or `front_desk`.
    pub role: String,
    pub password: String,
}

/// Adds an account; `actor` is the owner (or the command line, a job).
pub async fn create(ctx: &Context, actor: &Actor, account: &NewAccount) -> AppResult<User> {
    ctx.authorize(actor, Action::CreateUser).await?;
    create_account(ctx, actor, account).await
}

/// Every user, for the owner.
pub async fn list(ctx: &Context, actor: &Actor) -> AppResult<Vec<User>> {
    ctx.authorize(actor, Action::ListUsers).await?;
    Ok(ctx.store.list_users().await?)
}

/// Checks and stores an account, whoever may make it (the caller has decided that).
pub(crate) async fn create_account(ctx: &Context, actor: &Actor, account: &NewAccount) -> AppResult<User> {
    let mut problems = Problems::default();
    let email = account.email.trim();
    if !email
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
    {
        problems.add("email", "expected an email address");
    }
    let role = Role::from_name(account.role.trim());
    if role.is_none() {
        problems.add("role", "expected owner, practitioner or front_desk");
    }
    if account.password.chars().count() < MIN_PASSWORD_LENGTH {
        problems.add("password", format!("at least {MIN_PASSWORD_LENGTH} characters"));
    }
    problems.finish()?;
    let role = role.ok_or(AppError::Forbidden)?;
    let password_hash = hash_password(account.password.clone())
        .await
        .map_err(AppError::Internal)?;
    let id = UserId::new();
    // The first owner, made through the set-up link, is the author of their own account.
    let author = match actor {
        Actor::Anonymous => Actor::Staff(User {
            id: id.clone(),
            email: email.to_string(),
            role,
            password_hash: String::new(),
            created_at: ctx.now(),
        }),
        other => other.clone(),
    };
    let audit = ctx.ok(
        &author,
        AuditAction::UserCreate,
        None,
        format!("user={id} role={}", role.name()),
    );
    let user = NewUser {
        id,
        email: email.to_string(),
        role,
        password_hash,
        created_at: ctx.now(),
    };
    Ok(ctx.store.create_user(user, audit).await?)
}
