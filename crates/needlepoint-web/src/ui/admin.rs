//! Owner pages: users and the audit log.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_app::AppError;
use needlepoint_app::accounts::users::{self, NewAccount};
use needlepoint_app::audit::{self, AuditQuery};
use needlepoint_store::{Role, User};
use serde::Deserialize;

use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{Pairs, csrf_field, error_summary};
use crate::ui::layout::page;

#[derive(Deserialize)]
pub struct AuditParams {
    client_id: Option<String>,
    user_id: Option<String>,
}

pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditParams>,
) -> PageResult<Markup> {
    let query = AuditQuery {
        client_id: q.client_id.clone(),
        user_id: q.user_id.clone(),
        limit: Some(200),
    };
    let entries = audit::browse(&state.app, &user.actor, &query).await?;
    Ok(page(
        "Audit log",
        Some(&user),
        html! {
            form.search method="get" action="/audit" {
                div.row {
                    div { label for="client_id" { "Client id" } input #client_id name="client_id" value=(q.client_id.unwrap_or_default()); }
                    div { label for="user_id" { "User id" } input #user_id name="user_id" value=(q.user_id.unwrap_or_default()); }
                    button type="submit" { "Filter" }
                }
            }
            table {
                thead { tr { th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "User" } th scope="col" { "Client" } th scope="col" { "What" } th scope="col" { "Outcome" } th scope="col" { "Detail" } } }
                tbody { @for e in &entries { tr {
                    td { (e.seq) } td { (e.at) } td { code { (e.user_id.as_deref().unwrap_or("—")) } } td { code { (e.client_id.as_deref().unwrap_or("—")) } }
                    td { (e.action) } td { (e.outcome) } td { (e.detail) }
                } } }
            }
        },
    ))
}

fn users_page(user: &CurrentUser, users: &[User], error: Option<&AppError>) -> Markup {
    page(
        "Users",
        Some(user),
        html! {
            table {
                thead { tr { th scope="col" { "Email" } th scope="col" { "Role" } th scope="col" { "Id" } } }
                tbody { @for u in users { tr { td { (u.email) } td { (u.role.label()) } td { code { (u.id) } } } } }
            }
            h2 { "Add a user" }
            (error_summary(error))
            form.card method="post" action="/users" {
                (csrf_field(user))
                label for="email" { "Email" } input #email type="email" name="email" required;
                label for="role" { "Role" }
                select #role name="role" { @for r in Role::ALL { option value=(r.name()) { (r.label()) } } }
                label for="password" { "First password (at least 12 characters)" } input #password type="password" name="password" minlength="12" autocomplete="new-password" required;
                button type="submit" { "Add user" }
            }
        },
    )
}

pub async fn users(State(state): State<AppState>, user: CurrentUser) -> PageResult<Markup> {
    Ok(users_page(
        &user,
        &users::list(&state.app, &user.actor).await?,
        None,
    ))
}

pub async fn add_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let account = NewAccount {
        email: pairs.get("email").unwrap_or("").to_string(),
        role: pairs.get("role").unwrap_or("").to_string(),
        password: pairs.get("password").unwrap_or("").to_string(),
    };
    match users::create(&state.app, &user.actor, &account).await {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(error @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            users_page(&user, &users::list(&state.app, &user.actor).await?, Some(&error)),
        )
            .into_response()),
        Err(error) => Err(error.into()),
    }
}
