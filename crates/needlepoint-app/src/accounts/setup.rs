//! First start: a one-time link, printed by the server, creates the owner account.

use crate::access::{Action, Actor};
use crate::accounts::password::MIN_PASSWORD_LENGTH;
use crate::accounts::sessions::{SignedIn, start};
use crate::accounts::users::{NewAccount, create_account};
use crate::accounts::{random_token, token_hash};
use crate::context::Context;
use crate::error::{AppError, AppResult};

/// A set-up link stays valid for a day.
pub const SETUP_LINK_SECONDS: i64 = 24 * 60 * 60;

/// The path of a one-time set-up link for the first owner, or `None` when accounts exist. The
/// token is shown once; only its hash is stored.
pub async fn link(ctx: &Context) -> AppResult<Option<String>> {
    if ctx.store.count_users().await? > 0 {
        return Ok(None);
    }
    let token = random_token()?;
    ctx.store
        .create_setup_token(&token_hash(&token), ctx.now().as_second())
        .await?;
    Ok(Some(format!("/setup/{token}")))
}

/// Whether the set-up page should show at all (no accounts yet).
pub async fn open(ctx: &Context) -> AppResult<bool> {
    Ok(ctx.store.count_users().await? == 0)
}

/// Creates the first owner with the link's token, and signs them in.
pub async fn complete(ctx: &Context, token: &str, email: &str, password: &str) -> AppResult<SignedIn> {
    ctx.authorize(&Actor::Anonymous, Action::SetUp).await?;
    if !open(ctx).await? {
        return Err(AppError::NotFound);
    }
    // Validate before spending the one-time token.
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return Err(AppError::field(
            "password",
            format!("at least {MIN_PASSWORD_LENGTH} characters"),
        ));
    }
    if !ctx
        .store
        .consume_setup_token(&token_hash(token), ctx.now().as_second(), SETUP_LINK_SECONDS)
        .await?
    {
        return Err(AppError::NotFound);
    }
    let account = NewAccount {
        email: email.to_string(),
        role: "owner".into(),
        password: password.to_string(),
    };
    let user = create_account(ctx, &Actor::Anonymous, &account).await?;
    start(ctx, user).await
}
