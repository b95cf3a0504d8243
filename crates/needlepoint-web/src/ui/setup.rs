//! First start: a one-time link creates the owner account.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::session::{self, now_unix, token_hash};
use crate::error::{AppError, PageError};
use crate::state::AppState;
use crate::ui::form::{error_summary, field_error};
use crate::ui::layout::page;

/// A set-up link stays valid for a day.
pub const SETUP_LINK_SECONDS: i64 = 24 * 60 * 60;

fn form(token: &str, error: Option<&AppError>) -> Markup {
    page(
        "Set up Needlepoint",
        None,
        html! {
            p { "Create the owner account. The owner adds the other users." }
            (error_summary(error))
            form.card method="post" action=(format!("/setup/{token}")) {
                label for="email" { "Owner's email" }
                input #email type="email" name="email" autocomplete="username" required;
                (field_error(error, "email"))
                label for="password" { "Password (at least 12 characters)" }
                input #password type="password" name="password" autocomplete="new-password" minlength="12" required;
                (field_error(error, "password"))
                button type="submit" { "Create the owner account" }
            }
        },
    )
}

pub async fn page_handler(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Markup, PageError> {
    if state.store.count_users().await? > 0 {
        return Err(AppError::NotFound.into());
    }
    Ok(form(&token, None))
}

pub use page_handler as page_fn;

#[derive(Deserialize)]
pub struct SetupForm {
    email: String,
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(input): Form<SetupForm>,
) -> Response {
    let result = async {
        if state.store.count_users().await? > 0 {
            return Err(AppError::NotFound);
        }
        // Validate before spending the one-time token.
        if input.password.chars().count() < crate::auth::password::MIN_PASSWORD_LENGTH {
            return Err(AppError::field("password", "at least 12 characters"));
        }
        if !state
            .store
            .consume_setup_token(&token_hash(&token), now_unix(), SETUP_LINK_SECONDS)
            .await?
        {
            return Err(AppError::NotFound);
        }
        let user = crate::usecases::users::create(
            state.store.as_ref(),
            None,
            &input.email,
            "owner",
            &input.password,
        )
        .await?;
        session::start(&state, &user).await
    }
    .await;
    match result {
        Ok(cookie) => {
            let mut headers = HeaderMap::new();
            session::set_cookie(&mut headers, cookie);
            (headers, Redirect::to("/clients")).into_response()
        }
        Err(AppError::NotFound) => PageError(AppError::NotFound).into_response(),
        Err(error) => (StatusCode::UNPROCESSABLE_ENTITY, form(&token, Some(&error))).into_response(),
    }
}
