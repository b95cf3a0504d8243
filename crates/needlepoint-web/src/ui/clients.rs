//! Client pages: search, create, view, edit, archive.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_app::{consents, intakes, room};
use needlepoint_store::{Client, ClientId, ConsentKind};
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::Id;

use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{Pairs, csrf_field, error_summary, field_error};
use crate::ui::layout::page;
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
    let (intakes, consents, history) = if clinical {
        (
            intakes::list(&state.app, &user.actor, &id).await?,
            consents::list(&state.app, &user.actor, &id).await?,
            room::history(&state.app, &user.actor, &id).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let title = client.fields.full_name();
    Ok(page(
        &title,
        Some(&user),
        html! {
            (details(&client))
            div.actions {
                a.button href=(format!("/clients/{id}/edit")) { "Edit details" }
                @if clinical && !client.archived { a.button.primary href=(format!("/clients/{id}/intakes/new")) { "New intake" } }
                @if !client.archived { a.button href=(format!("/clients/{id}/book")) { "Book sessions" } }
            }
            @if clinical {
                section aria-labelledby="history-h" {
                    h2 #history-h { "Treatment history" }
                    @if history.is_empty() { p { "No session charted yet." } }
                    ul.list {
                        @for h in &history {
                            li {
                                a href=(format!("/charts/{}", h.chart_id)) { (h.starts_at.map(|t| t.strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()) }
                                " · " @for (i, (zone, depth)) in h.treated.iter().enumerate() { @if i > 0 { ", " } (zone) " " (depth) " mm" }
                                " · " @if h.signed_at.is_some() { "signed" } @else { "open" }
                                @if h.amended { " · amended" }
                            }
                        }
                    }
                }
                section aria-labelledby="intakes-h" {
                    h2 #intakes-h { "Intakes and plans" }
                    @if intakes.is_empty() { p { "No intake yet." } }
                    ul.list {
                        @for i in &intakes {
                            li { a href=(format!("/intakes/{}", i.id)) { "Intake " (i.number) } " · " (i.created_at.strftime("%Y-%m-%d")) " · " span.decision { (i.decision.name().replace('_', " ")) } }
                        }
                    }
                }
                section aria-labelledby="consent-h" {
                    h2 #consent-h { "Consent" }
                    @if consents.is_empty() { p { "No consent on file." } }
                    ul.list {
                        @for c in &consents {
                            li {
                                (if c.kind == ConsentKind::Treatment { "Treatment" } else { "Photographs" })
                                " (text version " (c.template_version) "), signed by " (c.signer_name) " on " (c.signed_at.strftime("%Y-%m-%d"))
                                @if !c.scopes.is_empty() { " · " (c.scopes.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")) }
                                @if let Some(at) = &c.withdrawn_at {
                                    " · " strong { "withdrawn " (at.strftime("%Y-%m-%d")) }
                                } @else {
                                    form.inline method="post" action=(format!("/consents/{}/withdraw", c.id)) {
                                        (csrf_field(&user))
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
