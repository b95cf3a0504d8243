//! `/api/v1/clients`: search, create, read, edit with a version, archive.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use needlepoint_app::clients::{self, ClientInput};
use needlepoint_store::{Client, ClientId};
use serde::{Deserialize, Serialize};

use super::ApiResult;
use crate::extract::{Id, JsonBody};
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// Name (prefix of given or family name, or both), email, phone digits or date of birth.
    pub q: Option<String>,
    /// Include archived clients.
    pub archived: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientList {
    pub clients: Vec<Client>,
}

#[utoipa::path(get, path = "/api/v1/clients", params(SearchParams),
    responses((status = 200, body = ClientList), (status = 401, body = crate::error::ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<SearchParams>,
) -> ApiResult<Json<ClientList>> {
    let text = params.q.as_deref().unwrap_or("");
    let clients = clients::search(&state.app, &user.actor, text, params.archived.unwrap_or(false)).await?;
    Ok(Json(ClientList { clients }))
}

#[utoipa::path(post, path = "/api/v1/clients", request_body = ClientInput,
    responses((status = 201, body = Client), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<ClientInput>,
) -> ApiResult<(StatusCode, Json<Client>)> {
    let client = clients::create(&state.app, &user.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(client)))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Client), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
) -> ApiResult<Json<Client>> {
    Ok(Json(clients::read(&state.app, &user.actor, &id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ClientUpdate {
    /// The version you started editing from.
    pub version: Option<i64>,
    #[serde(flatten)]
    pub fields: ClientInput,
}

#[utoipa::path(put, path = "/api/v1/clients/{id}", params(("id" = String, Path)), request_body = ClientUpdate,
    responses((status = 200, body = Client), (status = 409, body = crate::error::ErrorBody, description = "Someone else changed the record (`version_conflict`)"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
    JsonBody(body): JsonBody<ClientUpdate>,
) -> ApiResult<Json<Client>> {
    Ok(Json(
        clients::update(&state.app, &user.actor, &id, body.version, &body.fields).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct VersionBody {
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/archive", params(("id" = String, Path)), request_body = VersionBody,
    responses((status = 200, body = Client), (status = 409, body = crate::error::ErrorBody)))]
pub async fn archive(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
    JsonBody(body): JsonBody<VersionBody>,
) -> ApiResult<Json<Client>> {
    Ok(Json(
        clients::archive(&state.app, &user.actor, &id, body.version).await?,
    ))
}
