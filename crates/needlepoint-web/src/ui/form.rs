//! Form helpers: reading repeated keys, the CSRF check, field error display.

use std::collections::BTreeMap;

use maud::{Markup, html};

use needlepoint_app::AppError;
use needlepoint_app::accounts::secrets_match;

use crate::error::WebError;
use crate::session::CurrentUser;

/// A submitted form as name/value pairs (checkboxes repeat their name).
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Fails unless the form carries this session's CSRF token.
    pub fn check_csrf(&self, user: &CurrentUser) -> Result<(), WebError> {
        match self.get("csrf") {
            Some(token) if secrets_match(token, &user.session.csrf_token) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }
}

pub fn csrf_field(user: &CurrentUser) -> Markup {
    html! { input type="hidden" name="csrf" value=(user.session.csrf_token); }
}

/// The problems of a failed submission, as a list at the top of the form.
pub fn error_summary(error: Option<&AppError>) -> Markup {
    error_summary_named(error, str::to_string)
}

/// The error summary with each field named as the form names it (a question's label, say)
/// rather than by its key.
pub fn error_summary_named(error: Option<&AppError>, name: impl Fn(&str) -> String) -> Markup {
    let Some(error) = error else {
        return html! {};
    };
    let fields: BTreeMap<String, String> = match error {
        AppError::Invalid { fields, .. } => fields.clone(),
        _ => BTreeMap::new(),
    };
    html! {
        div.error-summary role="alert" tabindex="-1" {
            p { strong { (error) } }
            @if !fields.is_empty() {
                ul { @for (field, problem) in &fields { li { strong { (name(field)) } ": " (problem) } } }
            }
        }
    }
}

pub fn field_error(error: Option<&AppError>, field: &str) -> Markup {
    let problem = match error {
        Some(AppError::Invalid { fields, .. }) => fields.get(field).cloned(),
        _ => None,
    };
    html! { @if let Some(p) = problem { span.field-error id=(format!("{field}-error")) { (p) } } }
}
