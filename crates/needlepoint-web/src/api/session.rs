//! `POST /api/v1/session` signs in (a session cookie); `DELETE` signs out.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::JsonBody;
use crate::auth::CurrentUser;
use crate::auth::session::{self, now_text};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionOut {
    pub user_id: String,
    pub email: String,
    pub role: String,
}

/// Checks credentials with throttling per account and per address; records the attempt.
pub async fn authenticate(
    state: &AppState,
    email: &str,
    password: &str,
    address: &str,
) -> Result<needlepoint_store::User, AppError> {
    if let Some(wait) = state.throttle.blocked_for(email, address) {
        return Err(AppError::Throttled {
            retry_after_seconds: wait,
        });
    }
    let user = state.store.user_by_email(email).await?;
    // Unknown emails are checked against a real hash too, so both cases take the same time.
    let stored = match &user {
        Some(u) => u.password_hash.clone(),
        None => crate::auth::password::dummy_hash().await,
    };
    let ok = crate::auth::password::verify_password(password.to_string(), stored).await && user.is_some();
    let entry = |user_id: Option<String>, outcome: &str| needlepoint_store::NewAuditEntry {
        at: now_text(),
        user_id,
        client_id: None,
        action: "login".into(),
        outcome: outcome.into(),
        detail: String::new(),
    };
    match user {
        Some(user) if ok => {
            state.throttle.record_success(email);
            state.audit.record(entry(Some(user.id.clone()), "ok")).await?;
            Ok(user)
        }
        user => {
            state.throttle.record_failure(email, address);
            state.audit.record(entry(user.map(|u| u.id), "failed")).await?;
            Err(AppError::Unauthenticated)
        }
    }
}

#[utoipa::path(post, path = "/api/v1/session", request_body = Credentials,
    responses((status = 200, body = SessionOut, description = "Signed in; the session cookie is set"),
              (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(credentials): JsonBody<Credentials>,
) -> Result<Response, AppError> {
    let user = authenticate(
        &state,
        &credentials.email,
        &credentials.password,
        &peer.ip().to_string(),
    )
    .await?;
    let cookie = session::start(&state, &user).await?;
    let mut headers = HeaderMap::new();
    session::set_cookie(&mut headers, cookie);
    let body = SessionOut {
        user_id: user.id,
        email: user.email,
        role: user.role.name().to_string(),
    };
    Ok((StatusCode::OK, headers, axum::Json(body)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204, description = "Signed out")))]
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    session::end(&state, &user.token_hash).await?;
    state
        .audit
        .record(user.audit_entry("logout", "ok", None, ""))
        .await?;
    let mut headers = HeaderMap::new();
    session::set_cookie(&mut headers, session::clearing_cookie(&state)?);
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
