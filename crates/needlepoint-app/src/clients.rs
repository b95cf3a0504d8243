//! Clients: create, read, search, edit with a version, archive. Never deleted.

use jiff::civil::Date;
use needlepoint_store::{AuditAction, Client, ClientFields, ClientId, ClientQuery, NewClient};
use serde::Deserialize;

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problems};

/// A client as a form or a JSON body sends it.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientInput {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// YYYY-MM-DD
    pub birth_date: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The text, trimmed; `None` when blank.
pub(crate) fn trimmed(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn birth_date(problems: &mut Problems, value: &Option<String>, today: Date) -> Date {
    let Some(text) = trimmed(value) else {
        problems.add("birth_date", "required, as YYYY-MM-DD");
        return Date::MIN;
    };
    match text.parse::<Date>() {
        Ok(date) if text.len() == 10 && date.year() >= 1900 && date <= today => date,
        Ok(_) if text.len() == 10 => {
            problems.add("birth_date", "must be between 1900 and today");
            Date::MIN
        }
        _ => {
            problems.add("birth_date", "expected a date that exists, written YYYY-MM-DD");
            Date::MIN
        }
    }
}

/// Checks a client's fields; every problem names its field.
pub fn validate(input: &ClientInput, today: Date) -> AppResult<ClientFields> {
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
    let birth_date = birth_date(&mut problems, &input.birth_date, today);
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

pub async fn create(ctx: &Context, actor: &Actor, input: &ClientInput) -> AppResult<Client> {
    ctx.authorize(actor, Action::CreateClient).await?;
    let fields = validate(input, ctx.today().await?)?;
    let id = ClientId::new();
    let audit = ctx.ok(actor, AuditAction::ClientCreate, Some(&id), "");
    Ok(ctx
        .store
        .create_client(
            NewClient {
                id,
                fields,
                created_at: ctx.now(),
            },
            audit,
        )
        .await?)
}

/// Reads a client (no audit entry): for use cases that audit their own read.
pub(crate) async fn load(ctx: &Context, id: &ClientId) -> AppResult<Client> {
    ctx.store.client(id).await?.ok_or(AppError::NotFound)
}

/// Reads a client and records the read.
pub async fn read(ctx: &Context, actor: &Actor, id: &ClientId) -> AppResult<Client> {
    ctx.authorize(actor, Action::ReadClient).await?;
    let client = load(ctx, id).await?;
    ctx.audit
        .record_read(ctx.ok(actor, AuditAction::ClientRead, Some(id), ""))
        .await?;
    Ok(client)
}

pub async fn update(
    ctx: &Context,
    actor: &Actor,
    id: &ClientId,
    expected_version: Option<i64>,
    input: &ClientInput,
) -> AppResult<Client> {
    ctx.authorize(actor, Action::UpdateClient).await?;
    let version = expected_version.ok_or_else(|| {
        AppError::field(
            "version",
            "required: the version you started editing from, so edits never overwrite each other",
        )
    })?;
    let fields = validate(input, ctx.today().await?)?;
    let audit = ctx.ok(
        actor,
        AuditAction::ClientUpdate,
        Some(id),
        format!("from version {version}"),
    );
    Ok(ctx
        .store
        .update_client(id, version, fields, ctx.now(), audit)
        .await?)
}

pub async fn archive(
    ctx: &Context,
    actor: &Actor,
    id: &ClientId,
    expected_version: i64,
) -> AppResult<Client> {
    ctx.authorize(actor, Action::ArchiveClient).await?;
    let audit = ctx.ok(
        actor,
        AuditAction::ClientArchive,
        Some(id),
        format!("from version {expected_version}"),
    );
    Ok(ctx
        .store
        .archive_client(id, expected_version, ctx.now(), audit)
        .await?)
}

pub async fn search(
    ctx: &Context,
    actor: &Actor,
    text: &str,
    include_archived: bool,
) -> AppResult<Vec<Client>> {
    ctx.authorize(actor, Action::SearchClients).await?;
    let query = ClientQuery {
        text: text.chars().take(100).collect(),
        include_archived,
        limit: 50,
    };
    let found = ctx.store.search_clients(&query).await?;
    // The search text may be a name: record the count, not the text.
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::ClientSearch,
            None,
            format!("results={}", found.len()),
        ))
        .await?;
    Ok(found)
}
