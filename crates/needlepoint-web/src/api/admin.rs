//! Owner only: users and the audit log.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use needlepoint_app::accounts::users::{self, NewAccount};
use needlepoint_app::audit::{self, AuditQuery, Verification};
use needlepoint_store::{AuditEntry, User};
use serde::Deserialize;

use super::ApiResult;
use crate::extract::JsonBody;
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditParams {
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams), responses((status = 200, body = Vec<AuditEntry>)))]
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<AuditParams>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    let query = AuditQuery {
        client_id: params.client_id,
        user_id: params.user_id,
        limit: params.limit,
    };
    Ok(Json(audit::browse(&state.app, &user.actor, &query).await?))
}

#[utoipa::path(get, path = "/api/v1/audit/verify", responses((status = 200, body = Verification)))]
pub async fn verify(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Verification>> {
    Ok(Json(audit::verify(&state.app, &user.actor).await?))
}

#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = Vec<User>)))]
pub async fn users(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(users::list(&state.app, &user.actor).await?))
}

#[utoipa::path(post, path = "/api/v1/users", request_body = NewAccount,
    responses((status = 201, body = User), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_user(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(account): JsonBody<NewAccount>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let created = users::create(&state.app, &user.actor, &account).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
