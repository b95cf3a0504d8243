//! The web edge's errors, mapped once: a status and the JSON error shape for every answer, and an
//! error page instead of the JSON for the pages (see `ui::errors`). Internal details are logged
//! with the request id, never sent.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use needlepoint_app::AppError;
use serde::Serialize;

#[derive(Clone, Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("the form has expired or came from another site; reload the page and try again")]
    Csrf,
    #[error("the request is larger than {limit} bytes")]
    TooLarge { limit: usize },
}

impl From<needlepoint_store::StoreError> for WebError {
    fn from(error: needlepoint_store::StoreError) -> WebError {
        WebError::App(error.into())
    }
}

/// The body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable snake_case code, e.g. `version_conflict`.
    pub error: &'static str,
    pub message: String,
    /// Field path → problem, for input that cannot be used.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::App(error) => match error {
                AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
                AppError::Forbidden => StatusCode::FORBIDDEN,
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Conflict { .. } | AppError::Clash { .. } | AppError::Frozen { .. } => {
                    StatusCode::CONFLICT
                }
                AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
                AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            WebError::Csrf => "csrf_failed",
            WebError::TooLarge { .. } => "payload_too_large",
            WebError::App(error) => error.code(),
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.code(),
            message: self.to_string(),
            fields: match self {
                WebError::App(error) => error.fields(),
                _ => BTreeMap::new(),
            },
        }
    }

    /// When to try again: after a throttle's wait, or a second after a busy database.
    fn retry_after(&self) -> Option<u64> {
        match self {
            WebError::App(AppError::Throttled { retry_after_seconds }) => Some(*retry_after_seconds),
            WebError::App(AppError::Busy) => Some(1),
            _ => None,
        }
    }
}

/// The error behind an answer, for the pages to render as a page (`ui::errors`).
#[derive(Clone, Debug)]
pub struct Failed(pub WebError);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::App(AppError::Internal(detail)) = &self {
            tracing::error!(%detail, "request failed");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after()
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response.extensions_mut().insert(Failed(self));
        response
    }
}
