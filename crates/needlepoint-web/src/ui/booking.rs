//! The front desk's pages: the calendar, booking a series for a client, and one appointment
//! (check-in, moving, cancelling, no-show).

use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::DateTime;
use maud::{Markup, html};
use needlepoint_app::booking::{
    self, BookingInput, CalendarQuery, ProposalInput, RescheduleInput, StatusInput,
};
use needlepoint_app::booking::{SeriesProposal, SeriesView};
use needlepoint_app::room::{self, CheckInInput};
use needlepoint_app::{AppError, resources};
use needlepoint_domain::checkin::ChangesSinceLastVisit;
use needlepoint_store::{Appointment, AppointmentId, AppointmentStatus, ClientId};
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::Id;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{Pairs, csrf_field, error_summary, field_error};
use crate::ui::layout::page;
use crate::ui::when;

fn hhmm(time: DateTime) -> String {
    when::clock(time)
}

/// As a `datetime-local` input shows it.
fn local_input(time: DateTime) -> String {
    time.strftime("%Y-%m-%dT%H:%M").to_string()
}

fn status_label(status: AppointmentStatus) -> &'static str {
    status.label()
}

/// The calendar: a day or a week, for one practitioner, one room, or everyone.
pub async fn calendar(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<CalendarQuery>,
) -> PageResult<Markup> {
    let calendar = booking::calendar(&state.app, &user.actor, &query).await?;
    let practitioners = resources::practitioners(&state.app, &user.actor).await?;
    let rooms = resources::rooms(&state.app, &user.actor).await?;
    let today = state.app.today().await?;
    let selected = |a: &Option<String>, b: &str| a.as_deref() == Some(b);
    let from = calendar.from;
    let shift = |days: i64| {
        from.checked_add(jiff::Span::new().days(days))
            .unwrap_or(from)
            .to_string()
    };
    let step = i64::from(calendar.days);
    let keep = format!(
        "&days={}&practitioner_id={}&room_id={}",
        calendar.days,
        query.practitioner_id.clone().unwrap_or_default(),
        query.room_id.clone().unwrap_or_default()
    );
    Ok(page(
        if calendar.days == 1 { "Day" } else { "Week" },
        Some(&user),
        html! {
            form.inline method="get" action="/calendar" {
                label for="from" { "From" } input #from type="date" name="from" value=(calendar.from);
                label for="days" { "Show" }
                select #days name="days" {
                    option value="1" selected[calendar.days == 1] { "one day" }
                    option value="7" selected[calendar.days == 7] { "one week" }
                }
                label for="practitioner_id" { "Practitioner" }
                select #practitioner_id name="practitioner_id" {
                    option value="" { "everyone" }
                    @for (p, _) in &practitioners { option value=(p.id) selected[selected(&query.practitioner_id, p.id.as_str())] { (p.email) } }
                }
                label for="room_id" { "Room" }
                select #room_id name="room_id" {
                    option value="" { "every room" }
                    @for r in &rooms { option value=(r.id) selected[selected(&query.room_id, r.id.as_str())] { (r.name) } }
                }
                button type="submit" { "Show" }
            }
            p.actions {
                a.button href=(format!("/calendar?from={}{keep}", shift(-step))) { "← Earlier" }
                a.button href=(format!("/calendar?from={today}{keep}")) { "Today" }
                a.button href=(format!("/calendar?from={}{keep}", shift(step))) { "Later →" }
            }
            @if calendar.entries.is_empty() {
                p { "Nothing booked." }
            } @else {
                table {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Client" } th scope="col" { "Practitioner" } th scope="col" { "Room" } th scope="col" { "Status" } } }
                    tbody {
                        @for entry in &calendar.entries {
                            @let a = &entry.appointment;
                            tr {
                                td { a href=(format!("/appointments/{}", a.id)) { (when::day(a.starts_at.date())) " " (hhmm(a.starts_at)) "–" (hhmm(a.ends_at)) } }
                                td { (entry.client_name) }
                                td { (practitioners.iter().find(|(p, _)| p.id == a.practitioner_id).map_or("?", |(p, _)| p.email.as_str())) }
                                td { (rooms.iter().find(|r| r.id == a.room_id).map_or("?", |r| r.name.as_str())) }
                                td { (status_label(a.status)) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize, Default)]
pub struct BookQuery {
    practitioner_id: Option<String>,
    room_id: Option<String>,
    device_id: Option<String>,
    from: Option<String>,
    preferred_time: Option<String>,
}

/// A client's series: what is done and booked, and proposals for the rest, each booked, moved or
/// dropped on its own.
pub async fn book_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(client_id): Id<ClientId>,
    Query(query): Query<BookQuery>,
) -> PageResult<Markup> {
    render_book(&state, &user, &client_id, &query, None).await
}

async fn render_book(
    state: &AppState,
    user: &CurrentUser,
    client_id: &ClientId,
    query: &BookQuery,
    error: Option<&AppError>,
) -> PageResult<Markup> {
    let (ctx, actor) = (&state.app, &user.actor);
    let client = ctx.store.client(client_id).await?.ok_or(AppError::NotFound)?;
    let series = booking::series(ctx, actor, client_id).await?;
    let chosen = query.practitioner_id.is_some() && query.room_id.is_some() && query.device_id.is_some();
    let proposal = if chosen {
        let input = ProposalInput {
            intake_id: None,
            practitioner_id: query.practitioner_id.clone(),
            room_id: query.room_id.clone(),
            device_id: query.device_id.clone(),
            from: query.from.clone(),
            preferred_time: query.preferred_time.clone(),
        };
        Some(booking::propose_series(ctx, actor, client_id, &input).await)
    } else {
        None
    };
    let name = client.fields.full_name();
    let propose = propose_form(state, user, client_id, query).await?;
    Ok(page(
        &format!("Book sessions for {name}"),
        Some(user),
        html! {
            (error_summary(error))
            (series_card(state, &series))
            (propose)
            @match &proposal {
                Some(Ok(found)) => { (proposals(state, user, client_id, query, found)) }
                Some(Err(e)) => { div.error-summary role="alert" { p { strong { (e) } } } }
                None => {}
            }
            p { a href=(format!("/clients/{client_id}")) { "Back to " (name) } }
        },
    ))
}

/// Zone ids as the clinic names them.
fn zone_labels(state: &AppState, zones: &[String]) -> String {
    zones
        .iter()
        .map(|z| state.app.protocol.zone_label(z))
        .collect::<Vec<_>>()
        .join(", ")
}

fn series_card(state: &AppState, series: &SeriesView) -> Markup {
    html! {
        section.card aria-labelledby="series-h" {
            h2 #series-h { "The series" }
            p { (series.planned_sessions) " sessions planned: " (series.done.len()) " done, " (series.booked.len()) " booked, "
                (series.missed.len()) " missed, " strong { (series.missing) " still to book" } "." }
            @if !series.appointments.is_empty() {
                ul.list { @for a in &series.appointments {
                    li { a href=(format!("/appointments/{}", a.id)) { (when::wall(a.starts_at)) } " · " (status_label(a.status)) " · " (zone_labels(state, &a.zones)) }
                } }
            }
        }
    }
}

async fn propose_form(
    state: &AppState,
    user: &CurrentUser,
    client_id: &ClientId,
    query: &BookQuery,
) -> PageResult<Markup> {
    let (ctx, actor) = (&state.app, &user.actor);
    let practitioners = resources::practitioners(ctx, actor).await?;
    let rooms = resources::rooms(ctx, actor).await?;
    let devices = resources::devices(ctx, actor).await?;
    let today = ctx.today().await?;
    let pick = |a: &Option<String>, b: &str| a.as_deref() == Some(b);
    Ok(html! {
        form.card method="get" action=(format!("/clients/{client_id}/book")) {
            h2 { "Propose the remaining sessions" }
            div.row {
                div { label for="practitioner_id" { "Practitioner" }
                    select #practitioner_id name="practitioner_id" required {
                        @for (p, licence) in &practitioners {
                            option value=(p.id) selected[pick(&query.practitioner_id, p.id.as_str())] {
                                (p.email) @if let Some(l) = licence { " (" (l.licence_type) ", up to " (f64::from(l.max_depth_hundredths) / 100.0) " mm)" } @else { " (no licence on record)" }
                            }
                        }
                    } }
                div { label for="room_id" { "Room" }
                    select #room_id name="room_id" required { @for r in &rooms { option value=(r.id) selected[pick(&query.room_id, r.id.as_str())] { (r.name) } } } }
                div { label for="device_id" { "Device" }
                    select #device_id name="device_id" required { @for d in &devices { option value=(d.id) selected[pick(&query.device_id, d.id.as_str())] { (d.name) " · " (d.serial) } } } }
                div { label for="from" { "From" } input #from type="date" name="from" value=(query.from.clone().unwrap_or_else(|| today.to_string())); }
                div { label for="preferred_time" { "Preferred time" } input #preferred_time type="time" name="preferred_time" value=(query.preferred_time.clone().unwrap_or_else(|| "10:00".into())); }
            }
            button.primary type="submit" { "Propose" }
        }
    })
}

fn proposals(
    state: &AppState,
    user: &CurrentUser,
    client_id: &ClientId,
    query: &BookQuery,
    found: &SeriesProposal,
) -> Markup {
    html! {
        section aria-labelledby="proposals-h" {
            h2 #proposals-h { "Proposals (" (found.minutes) " minutes each)" }
            @if found.proposals.is_empty() { p { "Every session of the series is booked." } }
            @for p in &found.proposals {
                form.card.inline method="post" action="/appointments" {
                    (csrf_field(user))
                    input type="hidden" name="client_id" value=(client_id);
                    input type="hidden" name="intake_id" value=(found.intake_id);
                    input type="hidden" name="practitioner_id" value=(query.practitioner_id.clone().unwrap_or_default());
                    input type="hidden" name="room_id" value=(query.room_id.clone().unwrap_or_default());
                    input type="hidden" name="device_id" value=(query.device_id.clone().unwrap_or_default());
                    @for z in &p.zones { input type="hidden" name="zones" value=(z); }
                    label for=(format!("start-{}", p.number)) { "Session " (p.number) " (" (zone_labels(state, &p.zones)) ")"
                        @if let Some(gap) = p.gap_days { ", " (gap) " days after the one before" } }
                    input id=(format!("start-{}", p.number)) type="datetime-local" name="starts_at" value=(local_input(p.starts_at));
                    button.primary type="submit" { "Book" }
                }
            }
            p.hint { "Change a time before booking it to move it; leave a proposal unbooked to drop it." }
        }
    }
}

/// Books one session (a proposal accepted or moved, or a single booking).
pub async fn book(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let zones = pairs.all("zones");
    let input = BookingInput {
        client_id: pairs.text("client_id"),
        intake_id: pairs.text("intake_id"),
        practitioner_id: pairs.text("practitioner_id"),
        room_id: pairs.text("room_id"),
        device_id: pairs.text("device_id"),
        starts_at: pairs.text("starts_at"),
        zones: (!zones.is_empty()).then_some(zones),
        early_reason: pairs.text("early_reason"),
    };
    let client_id = input.client_id.as_deref().and_then(ClientId::parse);
    match booking::book(&state.app, &user.actor, &input).await {
        Ok(booked) => Ok(Redirect::to(&format!("/appointments/{}", booked.appointment.id)).into_response()),
        Err(error @ (AppError::Invalid { .. } | AppError::Clash { .. })) => {
            let query = BookQuery {
                practitioner_id: input.practitioner_id.clone(),
                room_id: input.room_id.clone(),
                device_id: input.device_id.clone(),
                from: input
                    .starts_at
                    .as_deref()
                    .and_then(|s| s.get(..10))
                    .map(str::to_string),
                preferred_time: None,
            };
            let status = WebError::App(error.clone()).status();
            let Some(client_id) = client_id else {
                return Err(error.into());
            };
            let mut body = render_book(&state, &user, &client_id, &query, Some(&error)).await?;
            if let AppError::Invalid { fields, .. } = &error
                && fields.contains_key("early_reason")
            {
                body = early_form(&user, &input, &error, body);
            }
            Ok((status, body).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

/// When a session comes too soon, the same booking again with a box for the reason.
fn early_form(user: &CurrentUser, input: &BookingInput, error: &AppError, rest: Markup) -> Markup {
    html! {
        form.card method="post" action="/appointments" aria-labelledby="early-h" {
            h2 #early-h { "Book sooner than the minimum interval?" }
            (csrf_field(user))
            @for (name, value) in [("client_id", &input.client_id), ("intake_id", &input.intake_id), ("practitioner_id", &input.practitioner_id),
                                   ("room_id", &input.room_id), ("device_id", &input.device_id), ("starts_at", &input.starts_at)] {
                input type="hidden" name=(name) value=(value.clone().unwrap_or_default());
            }
            @for z in input.zones.iter().flatten() { input type="hidden" name="zones" value=(z); }
            label for="early_reason" { "Reason" }
            (field_error(Some(error), "early_reason"))
            textarea #early_reason name="early_reason" required {}
            button.primary type="submit" { "Book with this reason" }
        }
        (rest)
    }
}

async fn render_appointment(
    state: &AppState,
    user: &CurrentUser,
    id: &AppointmentId,
    error: Option<&AppError>,
) -> PageResult<Markup> {
    let a = booking::read(&state.app, &user.actor, id).await?;
    let client = state
        .app
        .store
        .client(&a.client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let chart = state.app.store.chart_for_appointment(id).await?;
    let name = client.fields.full_name();
    Ok(page(
        &format!("{name}, {}", when::wall(a.starts_at)),
        Some(user),
        html! {
            (error_summary(error))
            dl.details {
                dt { "Status" } dd { (status_label(a.status)) @if let Some(r) = &a.status_reason { " (" (r) ")" } }
                dt { "Time" } dd { (hhmm(a.starts_at)) "–" (hhmm(a.ends_at)) }
                dt { "Zones" } dd { (zone_labels(state, &a.zones)) }
                @if let Some(r) = &a.early_reason { dt { "Booked early because" } dd { (r) } }
                dt { "Client" } dd { a href=(format!("/clients/{}", client.id)) { (name) } }
            }
            @if let Some(chart) = &chart {
                p.actions { a.button.primary href=(format!("/charts/{}", chart.id)) { "Open the chart" } }
            }
            @if a.status == AppointmentStatus::Booked {
                (check_in_form(state, user, &a))
                (change_forms(user, &a))
            }
            p { a href=(format!("/clients/{}/book", client.id)) { "The client's series" } " · " a href="/calendar" { "Calendar" } }
        },
    ))
}

/// The check-in: the protocol's "anything changed since your last visit?" questions.
fn check_in_form(state: &AppState, user: &CurrentUser, a: &Appointment) -> Markup {
    html! {
        form.card method="post" action=(format!("/appointments/{}/check-in", a.id)) aria-labelledby="checkin-h" {
            h2 #checkin-h { "Check in" }
            (csrf_field(user))
            input type="hidden" name="version" value=(a.version);
            input type="hidden" name="answered" value="1";
            fieldset { legend { "Since the last visit, has anything changed? Tick what applies." }
                @for q in &state.app.protocol.checkin_questions {
                    label.choice { input type="checkbox" name=(q.id) value="true"; " " (q.wording)
                        @if let Some(help) = &q.help { " " span.hint { (help) } } }
                }
            }
            p.hint { "If anything is ticked, a practitioner takes an updated intake before the session can start." }
            button.primary type="submit" { "Check in" }
        }
    }
}

/// Moving, cancelling, or marking a no-show.
fn change_forms(user: &CurrentUser, a: &Appointment) -> Markup {
    let id = &a.id;
    html! {
        form.card.inline method="post" action=(format!("/appointments/{id}/reschedule")) {
            (csrf_field(user))
            input type="hidden" name="version" value=(a.version);
            label for="new-start" { "Move to" }
            input #new-start type="datetime-local" name="starts_at" value=(local_input(a.starts_at));
            label for="move-reason" { "Reason" } input #move-reason name="reason";
            button type="submit" { "Move" }
        }
        form.card.inline method="post" action=(format!("/appointments/{id}/cancel")) {
            (csrf_field(user))
            input type="hidden" name="version" value=(a.version);
            label for="cancel-reason" { "Cancellation reason" } input #cancel-reason name="reason" required;
            button.secondary type="submit" { "Cancel the appointment" }
        }
        form.inline method="post" action=(format!("/appointments/{id}/no-show")) {
            (csrf_field(user))
            input type="hidden" name="version" value=(a.version);
            button.secondary type="submit" { "Mark as no-show" }
        }
    }
}

pub async fn appointment(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
) -> PageResult<Markup> {
    render_appointment(&state, &user, &id, None).await
}

/// After a change on the appointment page: back to the page, or the page again with the error
/// when the input or the state of the appointment is the problem.
async fn after_change(
    state: &AppState,
    user: &CurrentUser,
    id: &AppointmentId,
    result: Result<(), AppError>,
) -> PageResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/appointments/{id}")).into_response()),
        Err(
            error @ (AppError::Invalid { .. }
            | AppError::Clash { .. }
            | AppError::Conflict { .. }
            | AppError::Frozen { .. }),
        ) => Ok((
            WebError::App(error.clone()).status(),
            render_appointment(state, user, id, Some(&error)).await?,
        )
            .into_response()),
        Err(error) => Err(error.into()),
    }
}

fn version(pairs: &Pairs) -> Option<i64> {
    pairs.text("version").and_then(|v| v.parse().ok())
}

pub async fn check_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let changes = pairs
        .get("answered")
        .map(|_| ChangesSinceLastVisit::from_answers(|field| pairs.get(field) == Some("true")));
    let input = CheckInInput {
        version: version(&pairs),
        changes,
        intake: None,
    };
    match room::check_in(&state.app, &user.actor, &id, &input).await {
        Ok(done) => {
            let next = if user.role().is_clinical() {
                format!("/charts/{}", done.chart_id)
            } else {
                format!("/appointments/{id}")
            };
            Ok(Redirect::to(&next).into_response())
        }
        Err(error) => after_change(&state, &user, &id, Err(error)).await,
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    status_change(state, user, id, pairs, AppointmentStatus::Cancelled).await
}

pub async fn no_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    status_change(state, user, id, pairs, AppointmentStatus::NoShow).await
}

async fn status_change(
    state: AppState,
    user: CurrentUser,
    id: AppointmentId,
    pairs: Vec<(String, String)>,
    status: AppointmentStatus,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let input = StatusInput {
        version: version(&pairs),
        reason: pairs.text("reason"),
    };
    let result = booking::set_status(&state.app, &user.actor, &id, status, &input)
        .await
        .map(|_| ());
    after_change(&state, &user, &id, result).await
}

pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let input = RescheduleInput {
        version: version(&pairs),
        starts_at: pairs.text("starts_at"),
        reason: pairs.text("reason"),
        early_reason: pairs.text("early_reason"),
    };
    let result = booking::reschedule(&state.app, &user.actor, &id, &input)
        .await
        .map(|_| ());
    after_change(&state, &user, &id, result).await
}
