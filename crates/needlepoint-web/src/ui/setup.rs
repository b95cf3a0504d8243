//! First start: a one-time link creates the owner account.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_app::AppError;
use needlepoint_app::accounts::setup;
use serde::Deserialize;

use crate::session;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{error_summary, field_error};
use crate::ui::layout::page;

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

pub async fn form_page(State(state): State<AppState>, Path(token): Path<String>) -> PageResult<Markup> {
    if !setup::open(&state.app).await? {
        return Err(AppError::NotFound.into());
    }
    Ok(form(&token, None))
}

#[derive(Deserialize)]
pub struct SetupForm {
    email: String,
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(input): Form<SetupForm>,
) -> PageResult<Response> {
    match setup::complete(&state.app, &token, &input.email, &input.password).await {
        Ok(signed_in) => {
            let mut headers = HeaderMap::new();
            headers.append(header::SET_COOKIE, session::started(&state, &signed_in.token)?);
            Ok((headers, Redirect::to("/clients")).into_response())
        }
        Err(AppError::NotFound) => Err(AppError::NotFound.into()),
        Err(error @ AppError::Invalid { .. }) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, form(&token, Some(&error))).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
