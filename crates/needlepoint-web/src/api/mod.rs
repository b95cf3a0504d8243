//! The JSON API under `/api/v1`: every operation of the pages, described by `/api/v1/openapi.json`.

pub mod admin;
pub mod booking;
pub mod clients;
pub mod consents;
pub mod health;
pub mod intakes;
pub mod openapi;
pub mod resources;
pub mod room;
pub mod session;

use crate::error::AppError;

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// A JSON body, or a 422 naming what is wrong with it (never axum's plain-text rejection).
pub struct JsonBody<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(match rejection.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge {
                    limit: crate::middleware::MAX_BODY_BYTES,
                },
                _ => AppError::field("body", rejection.body_text()),
            }),
        }
    }
}
