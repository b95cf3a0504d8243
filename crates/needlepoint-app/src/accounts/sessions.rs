//! Server-side sessions: the caller holds a random token; the database holds only its SHA-256.
//! A session ends after an idle time and after an absolute time, whatever happens.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use needlepoint_store::{AuditAction, AuditOutcome, NewSession, SessionRecord, User};

use super::password::{dummy_hash, verify_password};
use super::{normalised_email, random_token, token_hash};
use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult};

/// How often a session's last-seen time is written: not on every request, so that reads stay reads.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A signed-in session as a request presents it.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: User,
    /// The token every form of this session carries.
    pub csrf_token: String,
    /// Names the session without revealing it (to end it).
    pub token_hash: String,
}

impl Session {
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.user.clone())
    }
}

/// A new session: the token is given to the person once, as their cookie.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub token: String,
}

/// Checks an email and password against the throttle and the accounts; records the attempt.
pub async fn sign_in(ctx: &Context, email: &str, password: &str, address: &str) -> AppResult<SignedIn> {
    ctx.authorize(&Actor::Anonymous, Action::SignIn).await?;
    let email = normalised_email(email);
    if let Err(wait) = ctx.throttle.attempt(&email, address) {
        return Err(AppError::Throttled {
            retry_after_seconds: wait,
        });
    }
    let user = ctx.store.user_by_email(&email).await?;
    // Unknown emails are checked against a real hash too, so both cases take the same time.
    let stored = match &user {
        Some(u) => u.password_hash.clone(),
        None => dummy_hash().await,
    };
    let matched = verify_password(password.to_string(), stored).await;
    match user {
        Some(user) if matched => {
            let actor = Actor::Staff(user.clone());
            ctx.audit
                .record(ctx.ok(&actor, AuditAction::Login, None, ""))
                .await?;
            start(ctx, user).await
        }
        user => {
            let actor = user.map_or(Actor::Anonymous, Actor::Staff);
            let entry = ctx.entry(&actor, AuditAction::Login, AuditOutcome::Failed, None, "");
            ctx.audit.record(entry).await?;
            Err(AppError::Unauthenticated)
        }
    }
}

/// Starts a session for `user` (after sign-in or the owner's set-up).
pub async fn start(ctx: &Context, user: User) -> AppResult<SignedIn> {
    let token = random_token()?;
    ctx.store
        .create_session(NewSession {
            token_hash: token_hash(&token),
            user_id: user.id.clone(),
            csrf_token: random_token()?,
            created_at: ctx.now().as_second(),
        })
        .await?;
    Ok(SignedIn { user, token })
}

/// The session a token names, if it is still valid.
pub async fn resolve(ctx: &Context, token: &str) -> AppResult<Session> {
    let hash = token_hash(token);
    let (session, user) = match ctx.sessions.get(&hash) {
        Some(cached) => cached,
        None => {
            let found = ctx.store.session(&hash).await?.ok_or(AppError::Unauthenticated)?;
            ctx.sessions.put(&hash, &found.0, &found.1);
            found
        }
    };
    let now = ctx.now().as_second();
    let expired = now - session.created_at > ctx.config.absolute_timeout_seconds
        || now - session.last_seen_at > ctx.config.idle_timeout_seconds;
    if expired {
        ctx.sessions.remove(&hash);
        ctx.store.delete_session(&hash).await?;
        return Err(AppError::Unauthenticated);
    }
    if now - session.last_seen_at > TOUCH_EVERY_SECONDS {
        ctx.store.touch_session(&hash, now).await?;
        ctx.sessions.remove(&hash);
    }
    Ok(Session {
        user,
        csrf_token: session.csrf_token,
        token_hash: hash,
    })
}

/// Ends a session everywhere this server knows of it, and records it.
pub async fn sign_out(ctx: &Context, session: &Session) -> AppResult<()> {
    let actor = session.actor();
    ctx.authorize(&actor, Action::SignOut).await?;
    ctx.sessions.remove(&session.token_hash);
    ctx.store.delete_session(&session.token_hash).await?;
    ctx.audit
        .record(ctx.ok(&actor, AuditAction::Logout, None, ""))
        .await
}

/// A short-lived copy of recently used sessions, so that an authenticated read costs one database
/// query instead of two. Timeouts are still checked on every request from the cached times; a
/// sign-out on this server removes the entry at once. Another server's sign-out (scale-out) takes
/// effect here within `FRESH_FOR`.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, (SessionRecord, User, Instant)>>,
}

const FRESH_FOR: Duration = Duration::from_secs(5);
/// Past this many entries the stale ones go, then (if still full) all: memory stays bounded.
const MAX_ENTRIES: usize = 10_000;

impl SessionCache {
    pub fn get(&self, token_hash: &str) -> Option<(SessionRecord, User)> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(token_hash)
            .filter(|(_, _, at)| at.elapsed() < FRESH_FOR)
            .map(|(session, user, _)| (session.clone(), user.clone()))
    }

    pub fn put(&self, token_hash: &str, session: &SessionRecord, user: &User) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, _, at)| at.elapsed() < FRESH_FOR);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(
                token_hash.to_string(),
                (session.clone(), user.clone(), Instant::now()),
            );
        }
    }

    pub fn remove(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }
}
