//! The owner's set-up of the clinic: licences, rooms, devices, the formulary and opening hours.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_domain::schedule::{Day, Opening, OpeningHours};

use needlepoint_app::AppError;
use needlepoint_app::resources::{self, DeviceInput, FormularyInput, LicenceInput, RoomInput};
use needlepoint_app::settings::{self, ClinicInput, ClinicSettings};
use needlepoint_store::{Device, FormularyItem, Licence, Room, User, UserId};

use crate::error::WebError;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{Pairs, csrf_field, error_summary};
use crate::ui::layout::page;
use crate::ui::when;

const DAYS: [(Day, &str, &str); 7] = [
    (Day::Monday, "monday", "Monday"),
    (Day::Tuesday, "tuesday", "Tuesday"),
    (Day::Wednesday, "wednesday", "Wednesday"),
    (Day::Thursday, "thursday", "Thursday"),
    (Day::Friday, "friday", "Friday"),
    (Day::Saturday, "saturday", "Saturday"),
    (Day::Sunday, "sunday", "Sunday"),
];

async fn render(state: &AppState, user: &CurrentUser, error: Option<&AppError>) -> PageResult<Markup> {
    let (ctx, actor) = (&state.app, &user.actor);
    let practitioners = resources::practitioners(ctx, actor).await?;
    let rooms = resources::rooms(ctx, actor).await?;
    let devices = resources::devices(ctx, actor).await?;
    let formulary = resources::formulary(ctx, actor).await?;
    let hours = settings::opening_hours(ctx).await?;
    let clinic = settings::clinic(ctx).await?;
    Ok(page(
        "Clinic set-up",
        Some(user),
        html! {
            (error_summary(error))
            (clinic_card(user, &clinic))
            (licences_card(user, &practitioners))
            (rooms_card(user, &rooms))
            (devices_card(state, user, &devices))
            (formulary_card(user, &formulary))
            (hours_card(user, &hours))
        },
    ))
}

fn clinic_card(user: &CurrentUser, clinic: &ClinicSettings) -> Markup {
    html! {
    section.card aria-labelledby="clinic-h" {
        h2 #clinic-h { "The clinic" }
        form method="post" action="/clinic/settings" {
            (csrf_field(user))
            div.row {
                div { label for="clinic-name" { "Name" } input #clinic-name name="name" value=(clinic.name) required; }
                div { label for="clinic-phone" { "Phone for clients" } input #clinic-phone name="phone" type="tel" value=(clinic.phone.clone().unwrap_or_default()); }
                div { label for="clinic-zone" { "Time zone" } input #clinic-zone name="time_zone" value=(clinic.time_zone.clone().unwrap_or_default()) placeholder="Europe/London"; }
            }
            button type="submit" { "Save" }
        }
    }
    }
}

fn licences_card(user: &CurrentUser, practitioners: &[(User, Option<Licence>)]) -> Markup {
    html! {
    section.card aria-labelledby="lic-h" {
        h2 #lic-h { "Practitioners and their licences" }
        table {
            thead { tr { th scope="col" { "Practitioner" } th scope="col" { "Licence" } th scope="col" { "Deepest setting" } th scope="col" { "Change" } } }
            tbody { @for (p, licence) in practitioners {
                tr {
                    td { (p.email) }
                    td { (licence.as_ref().map_or("not on record", |l| l.licence_type.as_str())) }
                    td { @if let Some(l) = licence { (f64::from(l.max_depth_hundredths) / 100.0) " mm" } }
                    td { form.inline method="post" action="/clinic/licences" {
                        (csrf_field(user)) input type="hidden" name="user_id" value=(p.id);
                        label for=(format!("type-{}", p.id)) { "Licence" } input id=(format!("type-{}", p.id)) name="licence_type" required;
                        label for=(format!("max-{}", p.id)) { "Max mm" } input id=(format!("max-{}", p.id)) name="max_depth_mm" type="number" step="0.05" min="0.05" required;
                        button type="submit" { "Save" }
                    } }
                }
            } }
        }
    }
    }
}

fn rooms_card(user: &CurrentUser, rooms: &[Room]) -> Markup {
    html! {
    section.card aria-labelledby="rooms-h" {
        h2 #rooms-h { "Rooms" }
        ul.list { @for r in rooms { li { (r.name) } } }
        form.inline method="post" action="/clinic/rooms" {
            (csrf_field(user)) label for="room-name" { "New room" } input #room-name name="name" required;
            button type="submit" { "Add" }
        }
    }
    }
}

fn devices_card(state: &AppState, user: &CurrentUser, devices: &[Device]) -> Markup {
    html! {
    section.card aria-labelledby="dev-h" {
        h2 #dev-h { "Devices" }
        table {
            thead { tr { th scope="col" { "Name" } th scope="col" { "Model" } th scope="col" { "Serial" } th scope="col" { "Range" } th scope="col" { "Service due" } } }
            tbody { @for d in devices { tr {
                td { (d.name) } td { (d.model) } td { (d.serial) }
                td { (f64::from(d.min_hundredths) / 100.0) "–" (f64::from(d.max_hundredths) / 100.0) " mm" }
                td { (d.service_due_on.map(when::day).unwrap_or_default()) }
            } } }
        }
        form method="post" action="/clinic/devices" {
            (csrf_field(user))
            div.row {
                div { label for="dev-name" { "Name" } input #dev-name name="name" required; }
                div { label for="dev-model" { "Model or class" }
                    select #dev-model name="model" {
                        @for c in &state.app.protocol.device_classes { option value=(c.id) { (c.label) } }
                        @for m in &state.app.protocol.device_models { option value=(m.id) { (m.label) } }
                    } }
                div { label for="dev-serial" { "Serial" } input #dev-serial name="serial" required; }
                div { label for="dev-min" { "Min mm" } input #dev-min name="min_mm" type="number" step="0.05" required; }
                div { label for="dev-max" { "Max mm" } input #dev-max name="max_mm" type="number" step="0.05" required; }
                div { label for="dev-due" { "Service due" } input #dev-due name="service_due_on" type="date"; }
            }
            label for="dev-limits" { "Labelled limits" } input #dev-limits name="labelled_limits";
            button type="submit" { "Add the device" }
        }
    }
    }
}

fn formulary_card(user: &CurrentUser, formulary: &[FormularyItem]) -> Markup {
    html! {
    section.card aria-labelledby="form-h" {
        h2 #form-h { "Formulary" }
        p.hint { "Only sterile products approved for the skin's channels belong here: other serums have caused lasting granulomas." }
        ul.list { @for f in formulary { li { (f.name) " · " (f.use_for.label()) } } }
        form.inline method="post" action="/clinic/formulary" {
            (csrf_field(user))
            label for="f-name" { "Product" } input #f-name name="name" required;
            label for="f-use" { "Use" }
            select #f-use name="use" { option value="glide" { "glide" } option value="post_procedure" { "after the needling" } }
            button type="submit" { "Add" }
        }
    }
    }
}

fn hours_card(user: &CurrentUser, hours: &OpeningHours) -> Markup {
    html! {
    section.card aria-labelledby="hours-h" {
        h2 #hours-h { "Opening hours" }
        form method="post" action="/clinic/hours" {
            (csrf_field(user))
            table {
                thead { tr { th scope="col" { "Day" } th scope="col" { "Opens" } th scope="col" { "Closes" } } }
                tbody { @for (day, key, label) in DAYS {
                    @let open = hours.openings().iter().find(|o| o.weekday == day);
                    tr {
                        th scope="row" { (label) }
                        td { input aria-label=(format!("{label} opens")) type="time" name=(format!("{key}_opens")) value=(open.map(|o| o.opens.strftime("%H:%M").to_string()).unwrap_or_default()); }
                        td { input aria-label=(format!("{label} closes")) type="time" name=(format!("{key}_closes")) value=(open.map(|o| o.closes.strftime("%H:%M").to_string()).unwrap_or_default()); }
                    }
                } }
            }
            p.hint { "Leave both empty for a closed day." }
            button type="submit" { "Save the opening hours" }
        }
    }
    }
}

pub async fn show(State(state): State<AppState>, user: CurrentUser) -> PageResult<Markup> {
    render(&state, &user, None).await
}

async fn done(state: &AppState, user: &CurrentUser, result: Result<(), AppError>) -> PageResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to("/clinic").into_response()),
        Err(error @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let status = WebError::App(error.clone()).status();
            Ok((status, render(state, user, Some(&error)).await?).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

fn checked(pairs: Vec<(String, String)>, user: &CurrentUser) -> PageResult<Pairs> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(user)?;
    Ok(pairs)
}

pub async fn licence(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = checked(pairs, &user)?;
    let input = LicenceInput {
        licence_type: pairs.text("licence_type"),
        max_depth_mm: pairs.text("max_depth_mm").and_then(|v| v.parse().ok()),
    };
    let result = match pairs.text("user_id").as_deref().and_then(UserId::parse) {
        Some(user_id) => resources::set_licence(&state.app, &user.actor, &user_id, &input)
            .await
            .map(|_| ()),
        None => Err(AppError::field("user_id", "choose a practitioner")),
    };
    done(&state, &user, result).await
}

pub async fn room(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = checked(pairs, &user)?;
    let result = resources::create_room(
        &state.app,
        &user.actor,
        &RoomInput {
            name: pairs.text("name"),
        },
    )
    .await
    .map(|_| ());
    done(&state, &user, result).await
}

pub async fn device(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = checked(pairs, &user)?;
    let input = DeviceInput {
        name: pairs.text("name"),
        model: pairs.text("model"),
        serial: pairs.text("serial"),
        min_mm: pairs.text("min_mm").and_then(|v| v.parse().ok()),
        max_mm: pairs.text("max_mm").and_then(|v| v.parse().ok()),
        labelled_limits: pairs.text("labelled_limits").unwrap_or_default(),
        last_serviced_on: pairs.text("last_serviced_on"),
        service_due_on: pairs.text("service_due_on"),
    };
    let result = resources::create_device(&state.app, &user.actor, &input)
        .await
        .map(|_| ());
    done(&state, &user, result).await
}

pub async fn formulary(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = checked(pairs, &user)?;
    let input = FormularyInput {
        name: pairs.text("name"),
        use_for: pairs.text("use"),
    };
    let result = resources::add_formulary_item(&state.app, &user.actor, &input)
        .await
        .map(|_| ());
    done(&state, &user, result).await
}

pub async fn hours(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = checked(pairs, &user)?;
    let mut openings = Vec::new();
    let mut problem = None;
    for (day, key, label) in DAYS {
        let opens = pairs.text(&format!("{key}_opens"));
        let closes = pairs.text(&format!("{key}_closes"));
        match (opens, closes) {
            (None, None) => {}
            (Some(o), Some(c)) => match (o.parse(), c.parse()) {
                (Ok(opens), Ok(closes)) => openings.push(Opening {
                    weekday: day,
                    opens,
                    closes,
                }),
                _ => problem = Some(format!("{label}: expected times as HH:MM")),
            },
            _ => {
                problem = Some(format!(
                    "{label}: give both the opening and the closing time, or neither"
                ))
            }
        }
    }
    let result = match problem {
        Some(p) => Err(AppError::field("openings", p)),
        None => settings::set_opening_hours(&state.app, &user.actor, openings)
            .await
            .map(|_| ()),
    };
    done(&state, &user, result).await
}

pub async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = checked(pairs, &user)?;
    let input = ClinicInput {
        name: pairs.text("name"),
        phone: pairs.text("phone"),
        time_zone: pairs.text("time_zone"),
    };
    let result = settings::set_clinic(&state.app, &user.actor, &input)
        .await
        .map(|_| ());
    done(&state, &user, result).await
}
