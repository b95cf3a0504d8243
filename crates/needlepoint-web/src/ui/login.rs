//! Signing in and out.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::api::session::authenticate;
use crate::auth::{CurrentUser, session};
use crate::error::{AppError, PageError};
use crate::state::AppState;
use crate::ui::form::{Pairs, error_summary};
use crate::ui::layout::page;

pub(crate) fn login_form(error: Option<&AppError>, email: &str) -> Markup {
    page(
        "Sign in",
        None,
        html! {
            (error_summary(error))
            form.card method="post" action="/login" {
                label for="email" { "Email" }
                input #email type="email" name="email" value=(email) autocomplete="username" required autofocus;
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
        },
    )
}

pub async fn form_page() -> Markup {
    login_form(None, "")
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<LoginForm>,
) -> Response {
    match authenticate(&state, &form.email, &form.password, &peer.ip().to_string()).await {
        Ok(user) => match session::start(&state, &user).await {
            Ok(cookie) => {
                let mut headers = HeaderMap::new();
                session::set_cookie(&mut headers, cookie);
                (headers, Redirect::to("/clients")).into_response()
            }
            Err(error) => PageError(error).into_response(),
        },
        Err(AppError::Unauthenticated) => {
            let error = AppError::Invalid {
                message: "Wrong email or password.".into(),
                fields: Default::default(),
            };
            (StatusCode::UNAUTHORIZED, login_form(Some(&error), &form.email)).into_response()
        }
        Err(error) => (error.status(), login_form(Some(&error), &form.email)).into_response(),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    Pairs(pairs).check_csrf(&user)?;
    session::end(&state, &user.token_hash).await?;
    state
        .audit
        .record(user.audit_entry("logout", "ok", None, ""))
        .await?;
    let mut headers = HeaderMap::new();
    session::set_cookie(&mut headers, session::clearing_cookie(&state)?);
    Ok((headers, Redirect::to("/login")).into_response())
}
