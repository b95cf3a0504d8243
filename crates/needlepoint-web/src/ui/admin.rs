//! Owner pages: users and the audit log.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_store::{AuditFilter, Role};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::auth::access::Owner;
use crate::error::{AppError, PageError};
use crate::state::AppState;
use crate::ui::form::{Pairs, csrf_field, error_summary};
use crate::ui::layout::page;

#[derive(Deserialize)]
pub struct AuditQuery {
    client_id: Option<String>,
    user_id: Option<String>,
}

pub async fn audit(
    State(state): State<AppState>,
    Owner(user): Owner,
    Query(q): Query<AuditQuery>,
) -> Result<Markup, PageError> {
    let filter = AuditFilter {
        client_id: q.client_id.clone().filter(|v| !v.is_empty()),
        user_id: q.user_id.clone().filter(|v| !v.is_empty()),
        limit: 200,
    };
    state
        .audit
        .record(user.audit_entry("audit.read", "ok", filter.client_id.as_deref(), "browse"))
        .await?;
    let entries = state.store.audit_entries(&filter).await?;
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

fn users_page(user: &CurrentUser, users: &[needlepoint_store::User], error: Option<&AppError>) -> Markup {
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

pub async fn users(State(state): State<AppState>, Owner(user): Owner) -> Result<Markup, PageError> {
    Ok(users_page(&user, &state.store.list_users().await?, None))
}

pub async fn add_user(
    State(state): State<AppState>,
    Owner(user): Owner,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let result = crate::usecases::users::create(
        state.store.as_ref(),
        Some(&user.user.id),
        pairs.get("email").unwrap_or(""),
        pairs.get("role").unwrap_or(""),
        pairs.get("password").unwrap_or(""),
    )
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(error @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            users_page(&user, &state.store.list_users().await?, Some(&error)),
        )
            .into_response()),
        Err(error) => Err(error.into()),
    }
}
