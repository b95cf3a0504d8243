//! Error pages: what the browser sees instead of the API's JSON (the middleware asks for them).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use needlepoint_app::AppError;

use crate::error::WebError;
use crate::state::AppState;
use crate::ui::form::error_summary;
use crate::ui::layout::page;

fn title(error: &WebError) -> &'static str {
    match error {
        WebError::Csrf => "Form expired",
        WebError::TooLarge { .. } => "Too much to send",
        WebError::App(error) => match error {
            AppError::NotFound => "Not found",
            AppError::Forbidden => "Not allowed",
            AppError::Conflict { .. } => "Changed by someone else",
            AppError::Invalid { .. } => "Please check the form",
            AppError::Throttled { .. } => "Too many attempts",
            _ => "Something went wrong",
        },
    }
}

fn body(error: &WebError) -> Markup {
    match error {
        WebError::App(app) => html! { (error_summary(Some(app))) },
        other => html! { div.error-summary role="alert" { p { strong { (other) } } } },
    }
}

/// The page for an error, with its status. Signing in is a page of its own.
pub fn page_for(_state: &AppState, error: &WebError) -> Response {
    if matches!(error, WebError::App(AppError::Unauthenticated)) {
        // 401 with the sign-in form, so a bookmarked page leads straight to signing in.
        return (StatusCode::UNAUTHORIZED, crate::ui::login::login_form(None, "")).into_response();
    }
    let content = html! {
        (body(error))
        p { a href="/" { "Back to the start" } }
    };
    (error.status(), page(title(error), None, content)).into_response()
}

/// Nothing here: a page for the browser (the middleware), JSON under `/api/`.
pub async fn not_found() -> WebError {
    WebError::App(AppError::NotFound)
}
