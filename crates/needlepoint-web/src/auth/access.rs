//! Role checks as extractors, so they run before any body is read: a wrong role always gets 403,
//! never a complaint about the body. Refusals are audited.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::CurrentUser;
use crate::error::{AppError, PageError};
use crate::routes::Access;
use crate::state::AppState;

/// A refusal: JSON for the API, a page for the browser.
pub struct Refusal {
    error: AppError,
    api: bool,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        if self.api {
            self.error.into_response()
        } else {
            PageError(self.error).into_response()
        }
    }
}

async fn authorize(parts: &mut Parts, state: &AppState, access: Access) -> Result<CurrentUser, Refusal> {
    let api = parts.uri.path().starts_with("/api/");
    let user = CurrentUser::from_request_parts(parts, state)
        .await
        .map_err(|error| Refusal { error, api })?;
    if access.allows(user.role()) {
        return Ok(user);
    }
    let entry = user.audit_entry(
        "access",
        "denied",
        None,
        format!("{} {}: {}", parts.method, parts.uri.path(), access.describe()),
    );
    let error = match state.audit.record(entry).await {
        Ok(()) => AppError::Forbidden,
        Err(error) => error,
    };
    Err(Refusal { error, api })
}

macro_rules! access_extractor {
    ($name:ident, $access:expr, $doc:literal) => {
        #[doc = $doc]
        pub struct $name(pub CurrentUser);

        impl FromRequestParts<AppState> for $name {
            type Rejection = Refusal;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<$name, Refusal> {
                authorize(parts, state, $access).await.map($name)
            }
        }
    };
}

access_extractor!(Staff, Access::Staff, "Any signed-in role.");
access_extractor!(
    Clinical,
    Access::Clinical,
    "Owner or practitioner: clinical data."
);
access_extractor!(Owner, Access::Owner, "Owner only.");
