//! Server-side sessions: the cookie holds a random token; the database holds only its SHA-256.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use needlepoint_store::{NewAuditEntry, NewSession, Role, User};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;

pub const COOKIE_NAME: &str = "np_session";

/// How often a session's last-seen time is written: not on every request, so that reads stay reads.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// 32 random bytes, hex.
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn now_unix() -> i64 {
    jiff::Timestamp::now().as_second()
}

pub fn now_text() -> String {
    jiff::Timestamp::now().to_string()
}

/// Starts a session for `user`; returns the `Set-Cookie` value.
pub async fn start(state: &AppState, user: &User) -> Result<HeaderValue, AppError> {
    let token = random_token()?;
    state
        .store
        .create_session(NewSession {
            token_hash: token_hash(&token),
            user_id: user.id.clone(),
            csrf_token: random_token()?,
            created_at: now_unix(),
        })
        .await?;
    cookie(state, &token, state.config.absolute_timeout_seconds)
}

/// A cookie that ends the session in the browser.
pub fn clearing_cookie(state: &AppState) -> Result<HeaderValue, AppError> {
    cookie(state, "", 0)
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> Result<HeaderValue, AppError> {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .map_err(|e| AppError::Internal(e.to_string()))
}

pub fn set_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

/// The signed-in user of this request. Extracting it fails with 401 when there is no valid session.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: User,
    pub csrf_token: String,
    pub token_hash: String,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn audit_entry(
        &self,
        action: &str,
        outcome: &str,
        client_id: Option<&str>,
        detail: impl Into<String>,
    ) -> NewAuditEntry {
        NewAuditEntry {
            at: now_text(),
            user_id: Some(self.user.id.clone()),
            client_id: client_id.map(str::to_string),
            action: action.to_string(),
            outcome: outcome.to_string(),
            detail: detail.into(),
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<CurrentUser, AppError> {
        let token = cookie_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
        let hash = token_hash(&token);
        let (session, user) = match state.sessions.get(&hash) {
            Some(cached) => cached,
            None => {
                let found = state
                    .store
                    .session(&hash)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                state.sessions.put(&hash, &found.0, &found.1);
                found
            }
        };
        let now = now_unix();
        let expired = now - session.created_at > state.config.absolute_timeout_seconds
            || now - session.last_seen_at > state.config.idle_timeout_seconds;
        if expired {
            state.sessions.remove(&hash);
            state.store.delete_session(&hash).await?;
            return Err(AppError::Unauthenticated);
        }
        if now - session.last_seen_at > TOUCH_EVERY_SECONDS {
            state.store.touch_session(&hash, now).await?;
            state.sessions.remove(&hash);
        }
        Ok(CurrentUser {
            user,
            csrf_token: session.csrf_token,
            token_hash: hash,
        })
    }
}

/// Ends a session everywhere this server knows of it.
pub async fn end(state: &AppState, token_hash: &str) -> Result<(), AppError> {
    state.sessions.remove(token_hash);
    state.store.delete_session(token_hash).await?;
    Ok(())
}
