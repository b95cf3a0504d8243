//! Around every request: a request id, a trace span without bodies or query strings, a body size
//! limit, cross-origin protection for state-changing requests (tower-http's CSRF layer: Fetch
//! Metadata and Origin), the security headers, and error pages for the browser.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::error::{Failed, WebError};
use crate::state::AppState;

/// Intake forms and API bodies are small; anything larger is refused with 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Two years, and subdomains: once a clinic serves HTTPS it keeps to it.
const HSTS: &str = "max-age=63072000; includeSubDomains";

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps the router; the last layer added runs first.
pub fn apply(router: axum::Router, state: &AppState) -> axum::Router {
    let csrf = CsrfLayer::new().with_rejection_response(|_| WebError::Csrf.into_response());
    router
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(csrf)
        .layer(from_fn_with_state(state.clone(), error_pages))
        .layer(from_fn_with_state(state.clone(), security_headers))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(
            // The span names the route, never the query string or a body: no health data in logs.
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .layer(from_fn(too_large_as_json))
}

async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if state.web.secure_cookies {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    if !is_static {
        // Pages and API answers may carry health data: never cache them.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The limit layer answers in plain text; answer in the API's error shape instead.
async fn too_large_as_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && response.extensions().get::<Failed>().is_none() {
        let mut replaced = WebError::TooLarge {
            limit: MAX_BODY_BYTES,
        }
        .into_response();
        for (name, value) in response.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                replaced.headers_mut().insert(name.clone(), value.clone());
            }
        }
        return replaced;
    }
    response
}

/// The browser gets pages, the API keeps its JSON: an error answered anywhere but under `/api/`
/// becomes a page with the same status.
async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if api {
        return response;
    }
    match response.extensions().get::<Failed>() {
        Some(Failed(error)) => {
            let mut page = crate::ui::errors::page_for(&state, error).into_response();
            for name in [header::RETRY_AFTER, header::SET_COOKIE] {
                if let Some(value) = response.headers().get(&name) {
                    page.headers_mut().insert(name, value.clone());
                }
            }
            page
        }
        None => response,
    }
}
