//! Consent templates, signatures and withdrawals.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use needlepoint_store::{Consent, ConsentKind, ConsentTemplate};
use serde::Deserialize;

use super::JsonBody;
use crate::auth::access::Clinical;
use crate::error::AppError;
use crate::state::AppState;
use crate::usecases::consents::{self, SignInput};

#[utoipa::path(get, path = "/api/v1/consent-templates/{kind}", params(("kind" = String, Path, description = "treatment or photo")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn template(
    State(state): State<AppState>,
    _clinician: Clinical,
    Path(kind): Path<String>,
) -> Result<Json<ConsentTemplate>, AppError> {
    let kind = ConsentKind::from_name(&kind).ok_or(AppError::NotFound)?;
    Ok(Json(consents::current_template(&state, kind).await?))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/consents", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Object>)))]
pub async fn list(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(client_id): Path<String>,
) -> Result<Json<Vec<Consent>>, AppError> {
    Ok(Json(consents::list(&state, &user, &client_id).await?))
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/consents", params(("id" = String, Path)), request_body = SignInput,
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody, description = "The text changed since it was shown"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(client_id): Path<String>,
    JsonBody(input): JsonBody<SignInput>,
) -> Result<(StatusCode, Json<Consent>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(consents::sign(&state, &user, &client_id, &input).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Withdrawal {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/consents/{id}/withdraw", params(("id" = String, Path)), request_body = Withdrawal,
    responses((status = 200, body = Object), (status = 409, body = crate::error::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Withdrawal>,
) -> Result<Json<Consent>, AppError> {
    Ok(Json(consents::withdraw(&state, &user, &id, &body.reason).await?))
}
