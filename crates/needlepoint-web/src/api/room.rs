//! The treatment room: check-in, the chart, co-signature, sign-off, amendments, aftercare, lots.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use needlepoint_app::room::{
    self, Aftercare, AftercareLinkOut, AmendmentInput, ChartInput, ChartView, CheckInInput, CheckedIn,
    HistoryEntry, VersionInput,
};
use needlepoint_domain::chart::{Chart, ChartReview};
use needlepoint_domain::depth::Mm;
use needlepoint_store::{Amendment, AppointmentId, AppointmentStatus, ChartId, ClientId, LotTrace, UserId};
use serde::Serialize;

use super::ApiResult;
use crate::extract::{Id, JsonBody};
use crate::session::CurrentUser;
use crate::state::AppState;

#[utoipa::path(post, path = "/api/v1/appointments/{id}/check-in", params(("id" = String, Path)), request_body = CheckInInput,
    responses((status = 200, body = CheckedIn),
              (status = 422, body = crate::error::ErrorBody, description = "The gate is shut: each blocker by its code"),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn check_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
    JsonBody(input): JsonBody<CheckInInput>,
) -> ApiResult<Json<CheckedIn>> {
    Ok(Json(room::check_in(&state.app, &user.actor, &id, &input).await?))
}

/// A chart as the API returns it: the document, its state and the review of it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChartOut {
    pub id: ChartId,
    pub appointment_id: AppointmentId,
    pub client_id: ClientId,
    pub version: i64,
    pub chart: Chart,
    /// Planned depth per zone, beside which the actual depths are charted.
    pub planned: Vec<PlannedZone>,
    pub review: ChartReview,
    pub appointment_status: AppointmentStatus,
    pub cosigned_by: Option<UserId>,
    pub signed_by: Option<UserId>,
    pub signed_at: Option<Timestamp>,
    pub amendments: Vec<Amendment>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PlannedZone {
    pub zone: String,
    pub planned_mm: Mm,
}

impl From<ChartView> for ChartOut {
    fn from(v: ChartView) -> ChartOut {
        ChartOut {
            id: v.record.id,
            appointment_id: v.record.appointment_id,
            client_id: v.record.client_id,
            version: v.record.version,
            chart: v.record.chart,
            planned: v
                .planned
                .into_iter()
                .map(|(zone, planned_mm)| PlannedZone { zone, planned_mm })
                .collect(),
            review: v.review,
            appointment_status: v.appointment.status,
            cosigned_by: v.record.cosigned_by,
            signed_by: v.record.signed_by,
            signed_at: v.record.signed_at,
            amendments: v.amendments,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/charts/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ChartOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
) -> ApiResult<Json<ChartOut>> {
    Ok(Json(room::chart(&state.app, &user.actor, &id).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/charts/{id}", params(("id" = String, Path)), request_body = ChartInput,
    responses((status = 200, body = ChartOut),
              (status = 409, body = crate::error::ErrorBody, description = "A stale version (`version_conflict`) or a signed chart (`record_locked`)"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    JsonBody(input): JsonBody<ChartInput>,
) -> ApiResult<Json<ChartOut>> {
    Ok(Json(
        room::save(&state.app, &user.actor, &id, input).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/charts/{id}/cosign", params(("id" = String, Path)), request_body = VersionInput,
    responses((status = 200, body = ChartOut), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn cosign(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    JsonBody(input): JsonBody<VersionInput>,
) -> ApiResult<Json<ChartOut>> {
    Ok(Json(
        room::cosign(&state.app, &user.actor, &id, input.version)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/charts/{id}/sign", params(("id" = String, Path)), request_body = VersionInput,
    responses((status = 200, body = ChartOut), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody, description = "What must be done before signing, by field")))]
pub async fn sign(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    JsonBody(input): JsonBody<VersionInput>,
) -> ApiResult<Json<ChartOut>> {
    Ok(Json(
        room::sign(&state.app, &user.actor, &id, input.version)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/charts/{id}/amendments", params(("id" = String, Path)), request_body = AmendmentInput,
    responses((status = 201, body = Amendment), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn amend(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    JsonBody(input): JsonBody<AmendmentInput>,
) -> ApiResult<(StatusCode, Json<Amendment>)> {
    Ok((
        StatusCode::CREATED,
        Json(room::amend(&state.app, &user.actor, &id, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/charts/{id}/aftercare", params(("id" = String, Path)),
    responses((status = 200, body = Aftercare), (status = 409, body = crate::error::ErrorBody, description = "The chart is not signed")))]
pub async fn aftercare(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
) -> ApiResult<Json<Aftercare>> {
    Ok(Json(room::aftercare(&state.app, &user.actor, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/charts/{id}/aftercare-link", params(("id" = String, Path)),
    responses((status = 201, body = AftercareLinkOut), (status = 409, body = crate::error::ErrorBody)))]
pub async fn aftercare_link(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
) -> ApiResult<(StatusCode, Json<AftercareLinkOut>)> {
    Ok((
        StatusCode::CREATED,
        Json(room::create_link(&state.app, &user.actor, &id).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/lots/{lot}", params(("lot" = String, Path)),
    responses((status = 200, body = Vec<LotTrace>, description = "Every use of the lot, newest first, with the client's contact details")))]
pub async fn lot(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(lot): Path<String>,
) -> ApiResult<Json<Vec<LotTrace>>> {
    Ok(Json(room::lot_trace(&state.app, &user.actor, &lot).await?))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/charts", params(("id" = String, Path)),
    responses((status = 200, body = Vec<HistoryEntry>, description = "The client's sessions as charted, newest first")))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(client_id): Id<ClientId>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    state
        .app
        .store
        .client(&client_id)
        .await?
        .ok_or(needlepoint_app::AppError::NotFound)?;
    Ok(Json(room::history(&state.app, &user.actor, &client_id).await?))
}
