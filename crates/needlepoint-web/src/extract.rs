//! Extractors that answer in the API's error shape: a JSON body whose problems name the field, a
//! path id that is simply "not found" when it cannot be one.

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use needlepoint_app::AppError;

use crate::error::WebError;
use crate::middleware::MAX_BODY_BYTES;

/// A JSON body, or a 422 naming what is wrong with it (never axum's plain-text rejection).
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, WebError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge {
                    limit: MAX_BODY_BYTES,
                },
                _ => AppError::field("body", rejection.body_text()).into(),
            }),
        }
    }
}

/// The one path parameter, as a typed id; anything that cannot be one is not found.
pub struct Id<T>(pub T);

impl<S, T> FromRequestParts<S> for Id<T>
where
    S: Send + Sync,
    T: TryFrom<String>,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        let Path(text) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::App(AppError::NotFound))?;
        T::try_from(text)
            .map(Id)
            .map_err(|_| WebError::App(AppError::NotFound))
    }
}
