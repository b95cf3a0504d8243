//! `/api/v1/clients/{id}/intakes` and `/api/v1/intakes/{id}`: intake in, screened plan out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use needlepoint_app::intakes;
use needlepoint_domain::plan::{Decision, Plan};
use needlepoint_store::{ClientId, DepthOverride, IntakeId, IntakeRecord, UserId};
use serde::{Deserialize, Serialize};

use super::ApiResult;
use crate::extract::{Id, JsonBody};
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct IntakeCreated {
    pub intake_id: IntakeId,
    /// 1, 2, 3… for this client.
    pub number: i64,
    /// The plan, as the plan contract defines it.
    pub plan: Plan,
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/intakes", params(("id" = String, Path)),
    request_body(content = Object, description = "An intake as the intake contract defines it"),
    responses((status = 201, body = IntakeCreated), (status = 422, body = crate::error::ErrorBody, description = "Field paths as in the contract"),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(client_id): Id<ClientId>,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<IntakeCreated>)> {
    let (record, plan) = intakes::create(&state.app, &user.actor, &client_id, &body).await?;
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
    pub intake_id: IntakeId,
    pub number: i64,
    pub decision: Decision,
    pub protocol_version: String,
    pub created_by: UserId,
    pub created_at: Timestamp,
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
    user: CurrentUser,
    Id(client_id): Id<ClientId>,
) -> ApiResult<Json<Vec<IntakeSummary>>> {
    let list = intakes::list(&state.app, &user.actor, &client_id).await?;
    Ok(Json(list.into_iter().map(IntakeSummary::from).collect()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IntakeOut {
    pub intake_id: IntakeId,
    pub client_id: ClientId,
    pub number: i64,
    /// The answers as recorded (the intake contract).
    #[schema(value_type = Object)]
    pub intake: serde_json::Value,
    pub plan: Plan,
    pub depth_overrides: Vec<DepthOverride>,
    pub treatment_consent_valid: bool,
    /// The screening allows treatment and a valid treatment consent is on file.
    pub can_proceed: bool,
    pub protocol_version: String,
    pub created_at: Timestamp,
}

#[utoipa::path(get, path = "/api/v1/intakes/{id}", params(("id" = String, Path)),
    responses((status = 200, body = IntakeOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<IntakeId>,
) -> ApiResult<Json<IntakeOut>> {
    let view = intakes::read(&state.app, &user.actor, &id).await?;
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
    responses((status = 201, body = DepthOverride), (status = 422, body = crate::error::ErrorBody)))]
pub async fn override_depth(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<IntakeId>,
    JsonBody(change): JsonBody<DepthChange>,
) -> ApiResult<(StatusCode, Json<DepthOverride>)> {
    let recorded = intakes::adjust_depth(
        &state.app,
        &user.actor,
        &id,
        &change.zone,
        change.planned_mm,
        change.reason.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}
