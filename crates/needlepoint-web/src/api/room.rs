//! The treatment room: check-in, the chart, co-signature, sign-off, amendments, aftercare, lots.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use needlepoint_store::{Amendment, LotTrace};
use serde::Serialize;

use super::JsonBody;
use crate::auth::access::{Clinical, Staff};
use crate::error::AppError;
use crate::state::AppState;
use crate::usecases::room::{
    self, Aftercare, AftercareLinkOut, AmendmentInput, ChartInput, ChartView, CheckInInput, CheckedIn,
    VersionInput,
};

#[utoipa::path(post, path = "/api/v1/appointments/{id}/check-in", params(("id" = String, Path)), request_body = CheckInInput,
    responses((status = 200, body = CheckedIn),
              (status = 422, body = crate::error::ErrorBody, description = "The gate is shut: each blocker by its code"),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn check_in(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<CheckInInput>,
) -> Result<Json<CheckedIn>, AppError> {
    Ok(Json(room::check_in(&state, &user, &id, &input).await?))
}

/// A chart as the API returns it: the document, its state and the review of it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChartOut {
    pub id: String,
    pub appointment_id: String,
    pub client_id: String,
    pub version: i64,
    #[schema(value_type = Object)]
    pub chart: serde_json::Value,
    /// Planned depth per zone, beside which the actual depths are charted.
    pub planned: Vec<PlannedZone>,
    #[schema(value_type = Object)]
    pub review: needlepoint_domain::chart::ChartReview,
    pub cosigned_by: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub amendments: Vec<Amendment>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PlannedZone {
    pub zone: String,
    pub planned_mm: f64,
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
                .map(|(zone, depth)| PlannedZone {
                    zone,
                    planned_mm: depth.as_mm(),
                })
                .collect(),
            review: v.review,
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
    Clinical(user): Clinical,
    Path(id): Path<String>,
) -> Result<Json<ChartOut>, AppError> {
    Ok(Json(room::chart(&state, &user, &id).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/charts/{id}", params(("id" = String, Path)), request_body = ChartInput,
    responses((status = 200, body = ChartOut),
              (status = 409, body = crate::error::ErrorBody, description = "A stale version (`version_conflict`) or a signed chart (`record_locked`)"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ChartInput>,
) -> Result<Json<ChartOut>, AppError> {
    Ok(Json(room::save(&state, &user, &id, input).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/charts/{id}/cosign", params(("id" = String, Path)), request_body = VersionInput,
    responses((status = 200, body = ChartOut), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn cosign(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<VersionInput>,
) -> Result<Json<ChartOut>, AppError> {
    Ok(Json(
        room::cosign(&state, &user, &id, input.version).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/charts/{id}/sign", params(("id" = String, Path)), request_body = VersionInput,
    responses((status = 200, body = ChartOut), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody, description = "What must be done before signing, by field")))]
pub async fn sign(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<VersionInput>,
) -> Result<Json<ChartOut>, AppError> {
    Ok(Json(room::sign(&state, &user, &id, input.version).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/charts/{id}/amendments", params(("id" = String, Path)), request_body = AmendmentInput,
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn amend(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<AmendmentInput>,
) -> Result<(StatusCode, Json<Amendment>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(room::amend(&state, &user, &id, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/charts/{id}/aftercare", params(("id" = String, Path)),
    responses((status = 200, body = Aftercare), (status = 409, body = crate::error::ErrorBody, description = "The chart is not signed")))]
pub async fn aftercare(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
) -> Result<Json<Aftercare>, AppError> {
    Ok(Json(room::aftercare(&state, &user, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/charts/{id}/aftercare-link", params(("id" = String, Path)),
    responses((status = 201, body = AftercareLinkOut), (status = 409, body = crate::error::ErrorBody)))]
pub async fn aftercare_link(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<AftercareLinkOut>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(room::create_link(&state, &user, &id).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/lots/{lot}", params(("lot" = String, Path)),
    responses((status = 200, body = Vec<Object>, description = "Every use of the lot, newest first, with the client's contact details")))]
pub async fn lot(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(lot): Path<String>,
) -> Result<Json<Vec<LotTrace>>, AppError> {
    Ok(Json(room::lot_trace(&state, &user, &lot).await?))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/charts", params(("id" = String, Path)),
    responses((status = 200, body = Vec<room::HistoryEntry>, description = "The client's sessions as charted, newest first")))]
pub async fn history(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(client_id): Path<String>,
) -> Result<Json<Vec<room::HistoryEntry>>, AppError> {
    state.store.client(&client_id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(room::history(&state, &user, &client_id).await?))
}
