//! Owner-only: users and the audit log.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use needlepoint_store::audit::verify as verify_chain;
use needlepoint_store::{AuditEntry, AuditFilter, User};
use serde::{Deserialize, Serialize};

use super::JsonBody;
use crate::auth::access::Owner;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditParams {
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams), responses((status = 200, body = Vec<Object>)))]
pub async fn audit(
    State(state): State<AppState>,
    Owner(user): Owner,
    Query(params): Query<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let filter = AuditFilter {
        client_id: params.client_id.clone(),
        user_id: params.user_id,
        limit: params.limit.unwrap_or(200),
    };
    // Recorded and awaited first: the queue is ordered, so every earlier entry is then durable
    // and visible to the query below.
    state
        .audit
        .record(user.audit_entry("audit.read", "ok", params.client_id.as_deref(), "browse"))
        .await?;
    let entries = state.store.audit_entries(&filter).await?;
    Ok(Json(entries))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub valid: bool,
    pub entries: usize,
    pub problem: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit/verify", responses((status = 200, body = Verification)))]
pub async fn verify(
    State(state): State<AppState>,
    Owner(user): Owner,
) -> Result<Json<Verification>, AppError> {
    state
        .audit
        .record(user.audit_entry("audit.verify", "ok", None, ""))
        .await?;
    let chain = state.store.audit_chain().await?;
    Ok(Json(match verify_chain(&chain) {
        Ok(entries) => Verification {
            valid: true,
            entries,
            problem: None,
        },
        Err(problem) => Verification {
            valid: false,
            entries: chain.len(),
            problem: Some(problem.to_string()),
        },
    }))
}

#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = Vec<Object>)))]
pub async fn users(State(state): State<AppState>, _owner: Owner) -> Result<Json<Vec<User>>, AppError> {
    Ok(Json(state.store.list_users().await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewUserBody {
    pub email: String,
    /// owner, practitioner or front_desk
    pub role: String,
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/users", request_body = NewUserBody,
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_user(
    State(state): State<AppState>,
    Owner(user): Owner,
    JsonBody(body): JsonBody<NewUserBody>,
) -> Result<(StatusCode, Json<User>), AppError> {
    let created = crate::usecases::users::create(
        state.store.as_ref(),
        Some(&user.user.id),
        &body.email,
        &body.role,
        &body.password,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}
