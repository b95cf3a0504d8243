//! The session cookie, and who is asking.
//!
//! The cookie holds the session's random token (HttpOnly, SameSite=Strict); behind TLS it is
//! `Secure` and named with the `__Host-` prefix, which browsers only accept from a secure origin
//! for the whole site, so no other site or subdomain can plant one.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use needlepoint_app::accounts::sessions::{self, Session};
use needlepoint_app::{Actor, AppError};
use needlepoint_store::{Role, User};

use crate::error::WebError;
use crate::state::AppState;

const PLAIN_NAME: &str = "np_session";
const SECURE_NAME: &str = "__Host-np_session";

fn cookie_name(state: &AppState) -> &'static str {
    if state.web.secure_cookies {
        SECURE_NAME
    } else {
        PLAIN_NAME
    }
}

/// The `Set-Cookie` value that carries `token` for `max_age_seconds` (0 ends it).
pub fn cookie(state: &AppState, token: &str, max_age_seconds: i64) -> Result<HeaderValue, WebError> {
    let cookie = Cookie::build((cookie_name(state), token.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.web.secure_cookies)
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .build();
    HeaderValue::from_str(&cookie.to_string()).map_err(|e| WebError::App(AppError::internal(e)))
}

/// The cookie of a new session.
pub fn started(state: &AppState, token: &str) -> Result<HeaderValue, WebError> {
    cookie(state, token, state.app.config.absolute_timeout_seconds)
}

/// A cookie that ends the session in the browser.
pub fn clearing(state: &AppState) -> Result<HeaderValue, WebError> {
    cookie(state, "", 0)
}

/// The session the request's cookie names, if any is valid.
pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, WebError> {
    let jar = CookieJar::from_headers(headers);
    let Some(token) = jar.get(cookie_name(state)).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    if token.is_empty() {
        return Ok(None);
    }
    match sessions::resolve(&state.app, &token).await {
        Ok(session) => Ok(Some(session)),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// The signed-in member of staff of this request (the route's guard found the session and
/// checked the role before the handler runs). Missing: 401.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub actor: Actor,
    pub session: Session,
}

impl CurrentUser {
    pub fn user(&self) -> &User {
        &self.session.user
    }

    pub fn role(&self) -> Role {
        self.session.user.role
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<CurrentUser, WebError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(WebError::App(AppError::Unauthenticated))
    }
}
