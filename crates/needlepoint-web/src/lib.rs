//! Needlepoint's web edge: server-rendered pages for the clinic and a JSON API under `/api/v1`,
//! over the application layer (`needlepoint-app`), which holds every rule.
//!
//! Reading order: [`routes`] (every route once, with the action it performs; the guard that
//! checks the session and the role), `session` (cookies), `error` (one mapping to statuses and
//! the JSON error shape), then `api/` (JSON handlers) and `ui/` (pages). Handlers are thin: they
//! read the request, call one use case, and write the answer.

mod api;
mod assets;
mod error;
mod extract;
mod middleware;
pub mod routes;
mod session;
mod state;
mod ui;

use std::future::Future;

pub use routes::{ROUTES, RouteSpec, app};
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
