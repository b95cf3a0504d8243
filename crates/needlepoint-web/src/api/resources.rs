//! What the owner sets up: licences, rooms, devices, the formulary and opening hours.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use needlepoint_domain::schedule::Opening;
use needlepoint_store::{Device, FormularyItem, Licence, Room};
use serde::{Deserialize, Serialize};

use super::JsonBody;
use crate::auth::access::{Owner, Staff};
use crate::error::AppError;
use crate::state::AppState;
use crate::usecases::resources::{self, DeviceInput, FormularyInput, LicenceInput, RoomInput};

#[utoipa::path(put, path = "/api/v1/practitioners/{id}/licence", params(("id" = String, Path, description = "the user's id")),
    request_body = LicenceInput, responses((status = 200, body = Object), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_licence(
    State(state): State<AppState>,
    Owner(owner): Owner,
    Path(user_id): Path<String>,
    JsonBody(input): JsonBody<LicenceInput>,
) -> Result<Json<Licence>, AppError> {
    Ok(Json(
        resources::set_licence(&state, &owner, &user_id, &input).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PractitionerOut {
    pub id: String,
    pub email: String,
    pub role: String,
    pub licence_type: Option<String>,
    pub max_depth_mm: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/practitioners", responses((status = 200, body = Vec<PractitionerOut>)))]
pub async fn practitioners(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Vec<PractitionerOut>>, AppError> {
    Ok(Json(
        resources::practitioners(&state)
            .await?
            .into_iter()
            .map(|(user, licence)| PractitionerOut {
                id: user.id,
                email: user.email,
                role: user.role.name().to_string(),
                licence_type: licence.as_ref().map(|l| l.licence_type.clone()),
                max_depth_mm: licence.map(|l| f64::from(l.max_depth_hundredths) / 100.0),
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/rooms", responses((status = 200, body = Vec<Object>)))]
pub async fn rooms(State(state): State<AppState>, _staff: Staff) -> Result<Json<Vec<Room>>, AppError> {
    Ok(Json(state.store.rooms().await?))
}

#[utoipa::path(post, path = "/api/v1/rooms", request_body = RoomInput,
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_room(
    State(state): State<AppState>,
    Owner(owner): Owner,
    JsonBody(input): JsonBody<RoomInput>,
) -> Result<(StatusCode, Json<Room>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(resources::create_room(&state, &owner, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/devices", responses((status = 200, body = Vec<Object>)))]
pub async fn devices(State(state): State<AppState>, _staff: Staff) -> Result<Json<Vec<Device>>, AppError> {
    Ok(Json(state.store.devices().await?))
}

#[utoipa::path(post, path = "/api/v1/devices", request_body = DeviceInput,
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_device(
    State(state): State<AppState>,
    Owner(owner): Owner,
    JsonBody(input): JsonBody<DeviceInput>,
) -> Result<(StatusCode, Json<Device>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(resources::create_device(&state, &owner, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/formulary", responses((status = 200, body = Vec<Object>)))]
pub async fn formulary(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Vec<FormularyItem>>, AppError> {
    Ok(Json(state.store.formulary().await?))
}

#[utoipa::path(post, path = "/api/v1/formulary", request_body = FormularyInput,
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_formulary_item(
    State(state): State<AppState>,
    Owner(owner): Owner,
    JsonBody(input): JsonBody<FormularyInput>,
) -> Result<(StatusCode, Json<FormularyItem>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(resources::add_formulary_item(&state, &owner, &input).await?),
    ))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub struct OpeningHoursBody {
    /// Each: `{"weekday": "monday", "opens": "09:00", "closes": "18:00"}`; a day may have several.
    #[schema(value_type = Vec<Object>)]
    pub openings: Vec<Opening>,
}

#[utoipa::path(get, path = "/api/v1/settings/opening-hours", responses((status = 200, body = OpeningHoursBody)))]
pub async fn opening_hours(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<OpeningHoursBody>, AppError> {
    let hours = resources::opening_hours(&state).await?;
    Ok(Json(OpeningHoursBody {
        openings: hours.openings().to_vec(),
    }))
}

#[utoipa::path(put, path = "/api/v1/settings/opening-hours", request_body = OpeningHoursBody,
    responses((status = 200, body = OpeningHoursBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_opening_hours(
    State(state): State<AppState>,
    Owner(owner): Owner,
    JsonBody(input): JsonBody<OpeningHoursBody>,
) -> Result<Json<OpeningHoursBody>, AppError> {
    let hours = resources::set_opening_hours(&state, &owner, input.openings).await?;
    Ok(Json(OpeningHoursBody {
        openings: hours.openings().to_vec(),
    }))
}
