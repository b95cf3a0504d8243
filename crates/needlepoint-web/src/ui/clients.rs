//! Client pages: search, create, view, edit, archive.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;
use maud::{Markup, html};
use needlepoint_app::room::HistoryEntry;
use needlepoint_app::{consents, intakes, room};
use needlepoint_store::{Client, ClientId, Consent, ConsentKind, IntakeRecord};
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::Id;

use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{Pairs, csrf_field, error_summary, field_error};
use crate::ui::layout::page;
use crate::ui::when;
use needlepoint_app::AppError;
use needlepoint_app::clients::{self, ClientInput};

pub async fn home(_user: CurrentUser) -> Redirect {
    Redirect::to("/clients")
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> PageResult<Markup> {
    let text = query.q.unwrap_or_default();
    let found = clients::search(&state.app, &user.actor, &text, false).await?;
    Ok(page(
        "Clients",
        Some(&user),
        html! {
            form.search role="search" method="get" action="/clients" {
                label for="q" { "Find a client by name, phone, email or date of birth (YYYY-MM-DD)" }
                div.row {
                    input #q type="search" name="q" value=(text) autocomplete="off";
                    button type="submit" { "Search" }
                }
            }
            p { a.button href="/clients/new" { "New client" } }
            @if found.is_empty() {
                p { "No clients match." }
            } @else {
                table {
                    thead { tr { th scope="col" { "Name" } th scope="col" { "Date of birth" } th scope="col" { "Phone" } th scope="col" { "Email" } } }
                    tbody {
                        @for c in &found {
                            tr {
                                td { a href=(format!("/clients/{}", c.id)) { (c.fields.family_name) ", " (c.fields.given_name) } }
                                td { (c.fields.birth_date) }
                                td { (c.fields.phone.as_deref().unwrap_or("")) }
                                td { (c.fields.email.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

fn client_form(
    user: &CurrentUser,
    action: &str,
    input: &ClientInput,
    version: Option<i64>,
    error: Option<&AppError>,
) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        (error_summary(error))
        form.card method="post" action=(action) {
            (csrf_field(user))
            @if let Some(v) = version { input type="hidden" name="version" value=(v); }
            label for="given_name" { "Given name" }
            input #given_name name="given_name" value=(value(&input.given_name)) required autocomplete="off";
            (field_error(error, "given_name"))
            label for="family_name" { "Family name" }
            input #family_name name="family_name" value=(value(&input.family_name)) required autocomplete="off";
            (field_error(error, "family_name"))
            label for="birth_date" { "Date of birth" }
            input #birth_date type="date" name="birth_date" value=(value(&input.birth_date)) required;
            (field_error(error, "birth_date"))
            label for="phone" { "Phone" }
            input #phone type="tel" name="phone" value=(value(&input.phone)) autocomplete="off";
            (field_error(error, "phone"))
            label for="email" { "Email" }
            input #email type="email" name="email" value=(value(&input.email)) autocomplete="off";
            (field_error(error, "email"))
            button type="submit" { "Save" }
        }
    }
}

fn input_from(pairs: &Pairs) -> ClientInput {
    ClientInput {
        given_name: pairs.text("given_name"),
        family_name: pairs.text("family_name"),
        birth_date: pairs.text("birth_date"),
        email: pairs.text("email"),
        phone: pairs.text("phone"),
    }
}

pub async fn new_form(user: CurrentUser) -> PageResult<Markup> {
    Ok(page(
        "New client",
        Some(&user),
        client_form(&user, "/clients", &ClientInput::default(), None, None),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let input = input_from(&pairs);
    match clients::create(&state.app, &user.actor, &input).await {
        Ok(client) => Ok(Redirect::to(&format!("/clients/{}", client.id)).into_response()),
        Err(error @ AppError::Invalid { .. }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(
                "New client",
                Some(&user),
                client_form(&user, "/clients", &input, None, Some(&error)),
            ),
        )
            .into_response()),
        Err(error) => Err(error.into()),
    }
}

fn details(client: &Client) -> Markup {
    html! {
        dl.details {
            dt { "Date of birth" } dd { (client.fields.birth_date) }
            dt { "Phone" } dd { (client.fields.phone.as_deref().unwrap_or("—")) }
            dt { "Email" } dd { (client.fields.email.as_deref().unwrap_or("—")) }
            dt { "Record" } dd { "version " (client.version) @if client.archived { " · archived" } }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
) -> PageResult<Markup> {
    let client = clients::read(&state.app, &user.actor, &id).await?;
    let clinical = user.role().is_clinical();
    let records = if clinical {
        Some(ClinicalRecords {
            intakes: intakes::list(&state.app, &user.actor, &id).await?,
            consents: consents::list(&state.app, &user.actor, &id).await?,
            history: room::history(&state.app, &user.actor, &id).await?,
            zone: state.app.time_zone().await?,
        })
    } else {
        None
    };
    Ok(page(
        &client.fields.full_name(),
        Some(&user),
        html! {
            (details(&client))
            div.actions {
                a.button href=(format!("/clients/{id}/edit")) { "Edit details" }
                @if clinical && !client.archived { a.button.primary href=(format!("/clients/{id}/intakes/new")) { "New intake" } }
                @if !client.archived { a.button href=(format!("/clients/{id}/book")) { "Book sessions" } }
            }
            @if let Some(records) = &records {
                (history_section(&state, records))
                (intakes_section(records))
                (consents_section(&user, &id, records))
            }
            @if !client.archived {
                form.inline method="post" action=(format!("/clients/{id}/archive")) {
                    (csrf_field(&user))
                    input type="hidden" name="version" value=(client.version);
                    button.secondary type="submit" { "Archive this client (records are kept)" }
                }
            }
        },
    ))
}

/// What a clinician sees beyond the contact details.
struct ClinicalRecords {
    intakes: Vec<IntakeRecord>,
    consents: Vec<Consent>,
    history: Vec<HistoryEntry>,
    zone: TimeZone,
}

fn history_section(state: &AppState, records: &ClinicalRecords) -> Markup {
    let label = |zone: &str| state.app.protocol.zone_label(zone);
    html! {
        section aria-labelledby="history-h" {
            h2 #history-h { "Treatment history" }
            @if records.history.is_empty() { p { "No session charted yet." } }
            ul.list {
                @for h in &records.history {
                    li {
                        a href=(format!("/charts/{}", h.chart_id)) { (h.starts_at.map(when::wall).unwrap_or_else(|| "Session".into())) }
                        " · " @for (i, (zone, depth)) in h.treated.iter().enumerate() { @if i > 0 { ", " } (label(zone)) " " (depth) " mm" }
                        " · " @if h.signed_at.is_some() { "signed" } @else { "open" }
                        @if h.amended { " · amended" }
                    }
                }
            }
        }
    }
}

fn intakes_section(records: &ClinicalRecords) -> Markup {
    html! {
        section aria-labelledby="intakes-h" {
            h2 #intakes-h { "Intakes and plans" }
            @if records.intakes.is_empty() { p { "No intake yet." } }
            ul.list {
                @for i in &records.intakes {
                    li {
                        a href=(format!("/intakes/{}", i.id)) { "Intake " (i.number) }
                        " · " (when::day(records.zone.to_datetime(i.created_at).date()))
                        " · " span.decision { (i.decision.label()) }
                    }
                }
            }
        }
    }
}

fn consents_section(user: &CurrentUser, id: &ClientId, records: &ClinicalRecords) -> Markup {
    let day = |at: jiff::Timestamp| when::day(records.zone.to_datetime(at).date());
    html! {
        section aria-labelledby="consent-h" {
            h2 #consent-h { "Consent" }
            @if records.consents.is_empty() { p { "No consent on file." } }
            ul.list {
                @for c in &records.consents {
                    li {
                        (if c.kind == ConsentKind::Treatment { "Treatment" } else { "Photographs" })
                        " (text version " (c.template_version) "), signed by " (c.signer_name) " on " (day(c.signed_at))
                        @if !c.scopes.is_empty() { " · " (c.scopes.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")) }
                        @if let Some(at) = c.withdrawn_at {
                            " · " strong { "withdrawn " (day(at)) }
                        } @else {
                            form.inline method="post" action=(format!("/consents/{}/withdraw", c.id)) {
                                (csrf_field(user))
                                label for=(format!("reason-{}", c.id)) { "Reason" }
                                input id=(format!("reason-{}", c.id)) name="reason" required;
                                button.secondary type="submit" { "Withdraw" }
                            }
                        }
                    }
                }
            }
            div.actions {
                a.button href=(format!("/clients/{id}/consents/new?kind=treatment")) { "Sign treatment consent" }
                a.button href=(format!("/clients/{id}/consents/new?kind=photo")) { "Sign photo consent" }
            }
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
) -> PageResult<Markup> {
    let client = clients::read(&state.app, &user.actor, &id).await?;
    let f = &client.fields;
    let input = ClientInput {
        given_name: Some(f.given_name.clone()),
        family_name: Some(f.family_name.clone()),
        birth_date: Some(f.birth_date.to_string()),
        email: f.email.clone(),
        phone: f.phone.clone(),
    };
    Ok(page(
        "Edit client",
        Some(&user),
        client_form(
            &user,
            &format!("/clients/{id}/edit"),
            &input,
            Some(client.version),
            None,
        ),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let input = input_from(&pairs);
    let version = pairs.get("version").and_then(|v| v.parse().ok());
    match clients::update(&state.app, &user.actor, &id, version, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{id}")).into_response()),
        Err(error @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => Ok((
            WebError::App(error.clone()).status(),
            page(
                "Edit client",
                Some(&user),
                client_form(
                    &user,
                    &format!("/clients/{id}/edit"),
                    &input,
                    version,
                    Some(&error),
                ),
            ),
        )
            .into_response()),
        Err(error) => Err(error.into()),
    }
}

pub async fn archive(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let version = pairs
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::field("version", "required"))?;
    clients::archive(&state.app, &user.actor, &id, version).await?;
    Ok(Redirect::to(&format!("/clients/{id}")).into_response())
}
