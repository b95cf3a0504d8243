//! Signing in and out.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_app::AppError;
use needlepoint_app::accounts::sessions;
use serde::Deserialize;

use crate::error::WebError;
use crate::session::{self, CurrentUser};
use crate::state::AppState;
use crate::ui::PageResult;
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
    match sessions::sign_in(&state.app, &form.email, &form.password, &peer.ip().to_string()).await {
        Ok(signed_in) => match session::started(&state, &signed_in.token) {
            Ok(cookie) => {
                let mut headers = HeaderMap::new();
                headers.append(header::SET_COOKIE, cookie);
                (headers, Redirect::to("/clients")).into_response()
            }
            Err(error) => error.into_response(),
        },
        Err(AppError::Unauthenticated) => {
            let error = AppError::Invalid {
                message: "Wrong email or password.".into(),
                fields: Default::default(),
            };
            (StatusCode::UNAUTHORIZED, login_form(Some(&error), &form.email)).into_response()
        }
        Err(error) => {
            let status = WebError::App(error.clone()).status();
            (status, login_form(Some(&error), &form.email)).into_response()
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    Pairs(pairs).check_csrf(&user)?;
    sessions::sign_out(&state.app, &user.session).await?;
    let mut headers = HeaderMap::new();
    headers.append(header::SET_COOKIE, session::clearing(&state)?);
    Ok((headers, Redirect::to("/login")).into_response())
}
