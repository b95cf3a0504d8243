//! Extractors that answer in the API's error shape: a JSON body whose problems name the field, a
//! path id that is simply "not found" when it cannot be one.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use needlepoint_app::AppError;
use needlepoint_domain::intake::parse::json_value;

use crate::error::WebError;
use crate::middleware::MAX_BODY_BYTES;

/// A JSON body, or a 422 naming what is wrong with it (never axum's plain-text rejection). A key
/// given twice in an object is refused with its path, as the command line refuses it: axum's own
/// reader would quietly keep the last (`{"pregnant": true, "pregnant": false}` read as "no").
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, WebError> {
        if !is_json(request.headers()) {
            return Err(AppError::field(
                "body",
                "send the body as JSON, with Content-Type: application/json",
            )
            .into());
        }
        let bytes = match Bytes::from_request(request, state).await {
            Ok(bytes) => bytes,
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::TooLarge {
                    limit: MAX_BODY_BYTES,
                });
            }
            Err(rejection) => return Err(AppError::field("body", rejection.body_text()).into()),
        };
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Err(errors) = json_value(text)
        {
            let repeats: Vec<(String, String)> = errors
                .0
                .into_iter()
                .filter(|e| !e.path.is_empty())
                .map(|e| (e.path, e.problem))
                .collect();
            if !repeats.is_empty() {
                return Err(
                    AppError::invalid("a field is given twice", repeats.into_iter().collect()).into(),
                );
            }
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(AppError::field("body", rejection.body_text()).into()),
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| mime.trim().to_ascii_lowercase())
        .is_some_and(|mime| {
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
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
