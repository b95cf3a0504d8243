//! Needlepoint's web application: server-rendered pages for the clinic and a JSON API under
//! `/api/v1`, over any [`needlepoint_store::Store`]. Every route but login, set-up, health and
//! static assets needs a session and checks the role; every read and write of health data is
//! audited.

mod api;
mod assets;
mod audit_sink;
mod auth;
pub mod demo;
mod error;
mod middleware;
mod routes;
mod state;
mod ui;
mod usecases;

use std::future::Future;

pub use audit_sink::AuditSink;
pub use auth::password::{hash_password, verify_password};
pub use routes::{Access, ROUTES, RouteSpec, app};
pub use usecases::users::create as create_user;

/// The path of a one-time set-up link for the first owner, or None when users exist. The token
/// itself is printed once and only its hash is stored.
pub async fn setup_link(
    store: &dyn needlepoint_store::Store,
) -> Result<Option<String>, needlepoint_store::StoreError> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let token =
        auth::session::random_token().map_err(|e| needlepoint_store::StoreError::Backend(e.to_string()))?;
    store
        .create_setup_token(&auth::session::token_hash(&token), auth::session::now_unix())
        .await?;
    Ok(Some(format!("/setup/{token}")))
}
pub use state::{AppState, WebConfig};

/// Serves the app on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
