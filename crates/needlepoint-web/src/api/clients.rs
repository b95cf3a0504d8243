//! `/api/v1/clients`: search, create, read, edit with a version, archive.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use needlepoint_store::Client;
use serde::{Deserialize, Serialize};

use super::JsonBody;
use crate::auth::access::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::usecases::clients::{self, ClientInput};

/// A client as the API returns it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientOut {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Send this back with an edit.
    pub version: i64,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Client> for ClientOut {
    fn from(c: Client) -> ClientOut {
        ClientOut {
            id: c.id,
            given_name: c.fields.given_name,
            family_name: c.fields.family_name,
            birth_date: c.fields.birth_date,
            email: c.fields.email,
            phone: c.fields.phone,
            version: c.version,
            archived: c.archived,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// Name (prefix of given or family name, or both), email, phone digits or date of birth.
    pub q: Option<String>,
    /// Include archived clients.
    pub archived: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientList {
    pub clients: Vec<ClientOut>,
}

#[utoipa::path(get, path = "/api/v1/clients", params(SearchParams),
    responses((status = 200, body = ClientList), (status = 401, body = crate::error::ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(params): Query<SearchParams>,
) -> Result<Json<ClientList>, AppError> {
    let found = clients::search(
        &state,
        &user,
        params.q.as_deref().unwrap_or(""),
        params.archived.unwrap_or(false),
    )
    .await?;
    Ok(Json(ClientList {
        clients: found.into_iter().map(ClientOut::from).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/clients", request_body = ClientInput,
    responses((status = 201, body = ClientOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Staff(user): Staff,
    JsonBody(input): JsonBody<ClientInput>,
) -> Result<(StatusCode, Json<ClientOut>), AppError> {
    let client = clients::create(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(client.into())))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ClientOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> Result<Json<ClientOut>, AppError> {
    Ok(Json(clients::read(&state, &user, &id).await?.into()))
}

/// An edit: the fields, and the version it started from.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ClientEdit {
    pub version: Option<i64>,
    #[serde(flatten)]
    pub fields: ClientInput,
}

#[utoipa::path(put, path = "/api/v1/clients/{id}", params(("id" = String, Path)), request_body = ClientEdit,
    responses((status = 200, body = ClientOut), (status = 409, body = crate::error::ErrorBody, description = "Changed by someone else"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    JsonBody(edit): JsonBody<ClientEdit>,
) -> Result<Json<ClientOut>, AppError> {
    Ok(Json(
        clients::update(&state, &user, &id, edit.version, &edit.fields)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct VersionOnly {
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/archive", params(("id" = String, Path)), request_body = VersionOnly,
    responses((status = 200, body = ClientOut), (status = 409, body = crate::error::ErrorBody)))]
pub async fn archive(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<VersionOnly>,
) -> Result<Json<ClientOut>, AppError> {
    Ok(Json(
        clients::archive(&state, &user, &id, body.version).await?.into(),
    ))
}
