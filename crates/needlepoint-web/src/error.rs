//! One error type for every handler, mapped once to a status and a JSON or HTML body. Internal
//! details are logged with the request id, never sent.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use needlepoint_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign in to continue")]
    Unauthenticated,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{message}")]
    Conflict { message: String },
    #[error("{message}")]
    Invalid {
        message: String,
        fields: BTreeMap<String, String>,
    },
    /// The record is signed (or otherwise past editing); corrections are amendments.
    #[error("{message}")]
    Frozen { message: String },
    /// A booking overlaps others; each entry names what is taken and when.
    #[error("that time is taken: {}", clashes.join("; "))]
    Clash { clashes: Vec<String> },
    #[error("too many failed attempts; try again in {retry_after_seconds} seconds")]
    Throttled { retry_after_seconds: u64 },
    #[error("the form has expired or came from another site; reload the page and try again")]
    Csrf,
    #[error("the request is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the clinic's database is busy; nothing was saved, please try again")]
    Busy,
    #[error("something went wrong on our side; nothing was saved")]
    Internal(String),
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable snake_case code, e.g. `version_conflict`.
    pub error: &'static str,
    pub message: String,
    /// Field path → problem, for input that cannot be used.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl AppError {
    pub fn invalid(message: impl Into<String>, fields: BTreeMap<String, String>) -> AppError {
        AppError::Invalid {
            message: message.into(),
            fields,
        }
    }

    pub fn field(path: &str, problem: impl Into<String>) -> AppError {
        let mut fields = BTreeMap::new();
        fields.insert(path.to_string(), problem.into());
        AppError::invalid("the input cannot be used", fields)
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } | AppError::Clash { .. } | AppError::Frozen { .. } => {
                StatusCode::CONFLICT
            }
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "version_conflict",
            AppError::Clash { .. } => "booking_clash",
            AppError::Frozen { .. } => "record_locked",
            AppError::Invalid { .. } => "invalid_input",
            AppError::Throttled { .. } => "too_many_attempts",
            AppError::Csrf => "csrf_failed",
            AppError::TooLarge { .. } => "payload_too_large",
            AppError::Busy => "busy",
            AppError::Internal(_) => "internal_error",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.code(),
            message: self.to_string(),
            fields: match self {
                AppError::Invalid { fields, .. } => fields.clone(),
                AppError::Clash { clashes } => {
                    BTreeMap::from([("starts_at".to_string(), clashes.join("; "))])
                }
                _ => BTreeMap::new(),
            },
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { current } => AppError::Conflict {
                message: format!(
                    "someone else changed this record while you were editing it (it is now at version {current}); reload to see their changes, then apply yours again"
                ),
            },
            StoreError::Duplicate(message) => AppError::Conflict { message },
            StoreError::Clash(clashes) => AppError::Clash { clashes },
            StoreError::Frozen(message) => AppError::Frozen { message },
            StoreError::Busy(detail) => {
                tracing::warn!(%detail, "write gave up after retries");
                AppError::Busy
            }
            StoreError::Backend(detail) => AppError::Internal(detail),
        }
    }
}

/// JSON errors for the API.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        set_retry_after(&self, &mut response);
        response
    }
}

/// The same errors as pages, for the browser.
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(error: AppError) -> PageError {
        PageError(error)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> PageError {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = self.0;
        if let AppError::Internal(detail) = &error {
            tracing::error!(%detail, "page failed");
        }
        if matches!(error, AppError::Unauthenticated) {
            // 401 with the sign-in form, so a bookmarked page leads straight to signing in.
            return (StatusCode::UNAUTHORIZED, crate::ui::login::login_form(None, "")).into_response();
        }
        let mut response = (error.status(), crate::ui::layout::error_page(&error)).into_response();
        set_retry_after(&error, &mut response);
        response
    }
}

/// Tells the caller when to try again: after a throttle's wait, or a second after a busy database.
fn set_retry_after(error: &AppError, response: &mut Response) {
    let seconds = match error {
        AppError::Throttled { retry_after_seconds } => *retry_after_seconds,
        AppError::Busy => 1,
        _ => return,
    };
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}
