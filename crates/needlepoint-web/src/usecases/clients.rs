//! Clients: create, read, search, edit with a version, archive. Never deleted.

use needlepoint_store::{Client, ClientFields, ClientQuery};
use serde::Deserialize;

use super::{Problems, new_id};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;

/// A client as a form or a JSON body sends it.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ClientInput {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// YYYY-MM-DD
    pub birth_date: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

fn trimmed(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Checks a client's fields; every problem names its field.
pub fn validate(input: &ClientInput) -> Result<ClientFields, AppError> {
    let mut problems = Problems::default();
    let mut name = |path: &str, value: &Option<String>| match trimmed(value) {
        None => {
            problems.add(path, "required");
            String::new()
        }
        Some(v) if v.chars().count() > 100 => {
            problems.add(path, "at most 100 characters");
            v
        }
        Some(v) => v,
    };
    let given_name = name("given_name", &input.given_name);
    let family_name = name("family_name", &input.family_name);
    let birth_date = match trimmed(&input.birth_date) {
        None => {
            problems.add("birth_date", "required, as YYYY-MM-DD");
            String::new()
        }
        Some(text) => match text.parse::<jiff::civil::Date>() {
            Ok(date)
                if text.len() == 10 && date.year() >= 1900 && date <= jiff::ZonedDateTime::now().date() =>
            {
                date.to_string()
            }
            Ok(_) if text.len() == 10 => {
                problems.add("birth_date", "must be between 1900 and today");
                text
            }
            _ => {
                problems.add("birth_date", "expected a date that exists, written YYYY-MM-DD");
                text
            }
        },
    };
    let email = trimmed(&input.email);
    if let Some(email) = &email {
        let well_formed = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !well_formed {
            problems.add("email", "expected an email address such as name@example.com");
        }
    }
    let phone = trimmed(&input.phone);
    if let Some(phone) = &phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if !allowed || !(6..=20).contains(&digits) {
            problems.add(
                "phone",
                "expected a phone number: 6 to 20 digits, with spaces, +, -, ( ) allowed",
            );
        }
    }
    problems.finish()?;
    Ok(ClientFields {
        given_name,
        family_name,
        birth_date,
        email,
        phone,
    })
}

pub async fn create(state: &AppState, user: &CurrentUser, input: &ClientInput) -> Result<Client, AppError> {
    let fields = validate(input)?;
    let id = new_id();
    let audit = user.audit_entry("client.create", "ok", Some(&id), "");
    Ok(state.store.create_client(fields, audit).await?)
}

/// Reads a client and records the read.
pub async fn read(state: &AppState, user: &CurrentUser, id: &str) -> Result<Client, AppError> {
    let client = state.store.client(id).await?.ok_or(AppError::NotFound)?;
    state
        .audit
        .record_read(user.audit_entry("client.read", "ok", Some(id), ""))
        .await?;
    Ok(client)
}

pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    expected_version: Option<i64>,
    input: &ClientInput,
) -> Result<Client, AppError> {
    let version = expected_version.ok_or_else(|| {
        AppError::field(
            "version",
            "required: the version you started editing from, so edits never overwrite each other",
        )
    })?;
    let fields = validate(input)?;
    let audit = user.audit_entry("client.update", "ok", Some(id), format!("from version {version}"));
    Ok(state.store.update_client(id, version, fields, audit).await?)
}

pub async fn archive(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    expected_version: i64,
) -> Result<Client, AppError> {
    let audit = user.audit_entry(
        "client.archive",
        "ok",
        Some(id),
        format!("from version {expected_version}"),
    );
    Ok(state.store.archive_client(id, expected_version, audit).await?)
}

pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    text: &str,
    include_archived: bool,
) -> Result<Vec<Client>, AppError> {
    let query = ClientQuery {
        text: text.chars().take(100).collect(),
        include_archived,
        limit: 50,
    };
    let found = state.store.search_clients(&query).await?;
    // The search text may be a name: record the count, not the text.
    state
        .audit
        .record_read(user.audit_entry("client.search", "ok", None, format!("results={}", found.len())))
        .await?;
    Ok(found)
}
