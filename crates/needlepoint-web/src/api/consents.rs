//! Consent texts, signatures and withdrawals.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use needlepoint_app::AppError;
use needlepoint_app::consents::{self, SignInput};
use needlepoint_store::{ClientId, Consent, ConsentId, ConsentKind, ConsentTemplate};
use serde::Deserialize;

use super::ApiResult;
use crate::extract::{Id, JsonBody};
use crate::session::CurrentUser;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/consent-templates/{kind}", params(("kind" = String, Path, description = "treatment or photo")),
    responses((status = 200, body = ConsentTemplate), (status = 404, body = crate::error::ErrorBody)))]
pub async fn template(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(kind): Path<String>,
) -> ApiResult<Json<ConsentTemplate>> {
    let kind = ConsentKind::from_name(&kind).ok_or(AppError::NotFound)?;
    Ok(Json(
        consents::current_template(&state.app, &user.actor, kind).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/consents", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Consent>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(client_id): Id<ClientId>,
) -> ApiResult<Json<Vec<Consent>>> {
    Ok(Json(consents::list(&state.app, &user.actor, &client_id).await?))
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/consents", params(("id" = String, Path)), request_body = SignInput,
    responses((status = 201, body = Consent), (status = 409, body = crate::error::ErrorBody, description = "The text changed since it was shown"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(client_id): Id<ClientId>,
    JsonBody(input): JsonBody<SignInput>,
) -> ApiResult<(StatusCode, Json<Consent>)> {
    let consent = consents::sign(&state.app, &user.actor, &client_id, &input).await?;
    Ok((StatusCode::CREATED, Json(consent)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Withdrawal {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/consents/{id}/withdraw", params(("id" = String, Path)), request_body = Withdrawal,
    responses((status = 200, body = Consent), (status = 409, body = crate::error::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ConsentId>,
    JsonBody(body): JsonBody<Withdrawal>,
) -> ApiResult<Json<Consent>> {
    Ok(Json(
        consents::withdraw(&state.app, &user.actor, &id, &body.reason).await?,
    ))
}
