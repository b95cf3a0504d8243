//! What the owner sets up: licences, rooms, devices, the formulary, the clinic's settings and
//! opening hours.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use needlepoint_app::resources::{self, DeviceInput, FormularyInput, LicenceInput, RoomInput};
use needlepoint_app::settings::{self, ClinicInput, ClinicSettings};
use needlepoint_domain::schedule::Opening;
use needlepoint_store::{Device, FormularyItem, Licence, Role, Room, UserId};
use serde::{Deserialize, Serialize};

use super::ApiResult;
use crate::extract::{Id, JsonBody};
use crate::session::CurrentUser;
use crate::state::AppState;

#[utoipa::path(put, path = "/api/v1/practitioners/{id}/licence", params(("id" = String, Path, description = "the user's id")),
    request_body = LicenceInput, responses((status = 200, body = Licence), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_licence(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(user_id): Id<UserId>,
    JsonBody(input): JsonBody<LicenceInput>,
) -> ApiResult<Json<Licence>> {
    Ok(Json(
        resources::set_licence(&state.app, &user.actor, &user_id, &input).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PractitionerOut {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub licence_type: Option<String>,
    pub max_depth_mm: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/practitioners", responses((status = 200, body = Vec<PractitionerOut>)))]
pub async fn practitioners(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<PractitionerOut>>> {
    Ok(Json(
        resources::practitioners(&state.app, &user.actor)
            .await?
            .into_iter()
            .map(|(user, licence)| PractitionerOut {
                id: user.id,
                email: user.email,
                role: user.role,
                licence_type: licence.as_ref().map(|l| l.licence_type.clone()),
                max_depth_mm: licence.map(|l| f64::from(l.max_depth_hundredths) / 100.0),
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/rooms", responses((status = 200, body = Vec<Room>)))]
pub async fn rooms(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Room>>> {
    Ok(Json(resources::rooms(&state.app, &user.actor).await?))
}

#[utoipa::path(post, path = "/api/v1/rooms", request_body = RoomInput,
    responses((status = 201, body = Room), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_room(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<RoomInput>,
) -> ApiResult<(StatusCode, Json<Room>)> {
    Ok((
        StatusCode::CREATED,
        Json(resources::create_room(&state.app, &user.actor, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/devices", responses((status = 200, body = Vec<Device>)))]
pub async fn devices(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Device>>> {
    Ok(Json(resources::devices(&state.app, &user.actor).await?))
}

#[utoipa::path(post, path = "/api/v1/devices", request_body = DeviceInput,
    responses((status = 201, body = Device), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_device(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<DeviceInput>,
) -> ApiResult<(StatusCode, Json<Device>)> {
    Ok((
        StatusCode::CREATED,
        Json(resources::create_device(&state.app, &user.actor, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/formulary", responses((status = 200, body = Vec<FormularyItem>)))]
pub async fn formulary(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<FormularyItem>>> {
    Ok(Json(resources::formulary(&state.app, &user.actor).await?))
}

#[utoipa::path(post, path = "/api/v1/formulary", request_body = FormularyInput,
    responses((status = 201, body = FormularyItem), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_formulary_item(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<FormularyInput>,
) -> ApiResult<(StatusCode, Json<FormularyItem>)> {
    Ok((
        StatusCode::CREATED,
        Json(resources::add_formulary_item(&state.app, &user.actor, &input).await?),
    ))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub struct OpeningHoursBody {
    /// Each: `{"weekday": "monday", "opens": "09:00", "closes": "18:00"}`; a day may have several.
    pub openings: Vec<Opening>,
}

#[utoipa::path(get, path = "/api/v1/settings/opening-hours", responses((status = 200, body = OpeningHoursBody)))]
pub async fn opening_hours(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<OpeningHoursBody>> {
    let hours = settings::read_opening_hours(&state.app, &user.actor).await?;
    Ok(Json(OpeningHoursBody {
        openings: hours.openings().to_vec(),
    }))
}

#[utoipa::path(put, path = "/api/v1/settings/opening-hours", request_body = OpeningHoursBody,
    responses((status = 200, body = OpeningHoursBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_opening_hours(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<OpeningHoursBody>,
) -> ApiResult<Json<OpeningHoursBody>> {
    let hours = settings::set_opening_hours(&state.app, &user.actor, input.openings).await?;
    Ok(Json(OpeningHoursBody {
        openings: hours.openings().to_vec(),
    }))
}

#[utoipa::path(get, path = "/api/v1/settings/clinic", responses((status = 200, body = ClinicSettings)))]
pub async fn clinic_settings(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> ApiResult<Json<ClinicSettings>> {
    Ok(Json(settings::clinic(&state.app).await?))
}

#[utoipa::path(put, path = "/api/v1/settings/clinic", request_body = ClinicInput,
    responses((status = 200, body = ClinicSettings), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_clinic_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<ClinicInput>,
) -> ApiResult<Json<ClinicSettings>> {
    Ok(Json(settings::set_clinic(&state.app, &user.actor, &input).await?))
}
