//! `/api/v1/clients/{id}/intakes` and `/api/v1/intakes/{id}`: intake in, screened plan out.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use needlepoint_store::{DepthOverride, IntakeRecord};
use serde::{Deserialize, Serialize};

use super::JsonBody;
use crate::auth::access::Clinical;
use crate::error::AppError;
use crate::state::AppState;
use crate::usecases::intakes;

#[derive(Serialize, utoipa::ToSchema)]
pub struct IntakeCreated {
    pub intake_id: String,
    /// 1, 2, 3… for this client.
    pub number: i64,
    /// The plan, as the plan contract defines it.
    #[schema(value_type = Object)]
    pub plan: serde_json::Value,
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/intakes", params(("id" = String, Path)),
    request_body(content = Object, description = "An intake as the intake contract defines it"),
    responses((status = 201, body = IntakeCreated), (status = 422, body = crate::error::ErrorBody, description = "Field paths as in the contract"),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(client_id): Path<String>,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> Result<(StatusCode, Json<IntakeCreated>), AppError> {
    let (record, plan) = intakes::create(&state, &user, &client_id, &body).await?;
    let plan = serde_json::to_value(&plan).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        StatusCode::CREATED,
        Json(IntakeCreated {
            intake_id: record.id,
            number: record.number,
            plan,
        }),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IntakeSummary {
    pub intake_id: String,
    pub number: i64,
    pub decision: String,
    pub protocol_version: String,
    pub created_by: String,
    pub created_at: String,
}

impl From<IntakeRecord> for IntakeSummary {
    fn from(r: IntakeRecord) -> IntakeSummary {
        IntakeSummary {
            intake_id: r.id,
            number: r.number,
            decision: r.decision,
            protocol_version: r.protocol_version,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/intakes", params(("id" = String, Path)),
    responses((status = 200, body = Vec<IntakeSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(client_id): Path<String>,
) -> Result<Json<Vec<IntakeSummary>>, AppError> {
    let list = intakes::list(&state, &user, &client_id).await?;
    Ok(Json(list.into_iter().map(IntakeSummary::from).collect()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IntakeOut {
    pub intake_id: String,
    pub client_id: String,
    pub number: i64,
    #[schema(value_type = Object)]
    pub intake: serde_json::Value,
    #[schema(value_type = Object)]
    pub plan: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub depth_overrides: Vec<DepthOverride>,
    pub treatment_consent_valid: bool,
    /// The screening allows treatment and a valid treatment consent is on file.
    pub can_proceed: bool,
    pub protocol_version: String,
    pub created_at: String,
}

#[utoipa::path(get, path = "/api/v1/intakes/{id}", params(("id" = String, Path)),
    responses((status = 200, body = IntakeOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
) -> Result<Json<IntakeOut>, AppError> {
    let view = intakes::read(&state, &user, &id).await?;
    let can_proceed = view.can_proceed();
    let r = view.record;
    Ok(Json(IntakeOut {
        intake_id: r.id,
        client_id: r.client_id,
        number: r.number,
        intake: r.intake,
        plan: r.plan,
        depth_overrides: view.overrides,
        treatment_consent_valid: view.treatment_consent_valid,
        can_proceed,
        protocol_version: r.protocol_version,
        created_at: r.created_at,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DepthChange {
    pub zone: String,
    pub planned_mm: f64,
    /// Required when the depth is outside the planned range.
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/intakes/{id}/depth-overrides", params(("id" = String, Path)), request_body = DepthChange,
    responses((status = 201, body = Object), (status = 422, body = crate::error::ErrorBody)))]
pub async fn override_depth(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<DepthChange>,
) -> Result<(StatusCode, Json<DepthOverride>), AppError> {
    let recorded = intakes::adjust_depth(
        &state,
        &user,
        &id,
        &change.zone,
        change.planned_mm,
        change.reason.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}
