//! `POST /api/v1/session` signs in (a session cookie); `DELETE` signs out.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use needlepoint_app::accounts::sessions;
use needlepoint_store::{Role, UserId};
use serde::{Deserialize, Serialize};

use super::ApiResult;
use crate::extract::JsonBody;
use crate::session::{self, CurrentUser};
use crate::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionOut {
    pub user_id: UserId,
    pub email: String,
    pub role: Role,
}

#[utoipa::path(post, path = "/api/v1/session", request_body = Credentials,
    responses((status = 200, body = SessionOut, description = "Signed in; the session cookie is set"),
              (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(credentials): JsonBody<Credentials>,
) -> ApiResult<Response> {
    let signed_in = sessions::sign_in(
        &state.app,
        &credentials.email,
        &credentials.password,
        &peer.ip().to_string(),
    )
    .await?;
    let mut headers = HeaderMap::new();
    headers.append(header::SET_COOKIE, session::started(&state, &signed_in.token)?);
    let body = SessionOut {
        user_id: signed_in.user.id,
        email: signed_in.user.email,
        role: signed_in.user.role,
    };
    Ok((StatusCode::OK, headers, axum::Json(body)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204, description = "Signed out")))]
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    sessions::sign_out(&state.app, &user.session).await?;
    let mut headers = HeaderMap::new();
    headers.append(header::SET_COOKIE, session::clearing(&state)?);
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
