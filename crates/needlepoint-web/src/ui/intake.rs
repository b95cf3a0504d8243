//! The intake form (tablet first) and the plan page.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use needlepoint_app::{AppError, clients, intakes};
use needlepoint_domain::intake::{HistoryDate, HistoryFlag, Severity};
use needlepoint_store::{Client, ClientId, IntakeId};
use serde_json::{Map, Value, json};

use crate::extract::Id;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{Pairs, csrf_field, error_summary};
use crate::ui::layout::page;
use crate::ui::{plan_view, zonemap};

/// How many active-condition rows the form offers.
const CONDITION_ROWS: usize = 3;

fn label_of(name: &str) -> String {
    let text = name.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

const FITZPATRICK: [&str; 6] = [
    "I: always burns, never tans",
    "II: usually burns, tans a little",
    "III: sometimes burns, tans gradually",
    "IV: rarely burns, tans well",
    "V: very rarely burns, tans deeply",
    "VI: never burns, deeply pigmented",
];

fn form(
    state: &AppState,
    user: &CurrentUser,
    client: &Client,
    today: Date,
    values: &Pairs,
    error: Option<&AppError>,
) -> Markup {
    let p = &state.app.protocol;
    let checked = |name: &str, value: &str| values.all(name).iter().any(|v| v == value);
    let today = today.to_string();
    let selected_areas = values.all("area");
    html! {
        (error_summary(error))
        form.intake method="post" action=(format!("/clients/{}/intakes", client.id)) {
            (csrf_field(user))
            input type="hidden" name="birth_date" value=(client.fields.birth_date);
            fieldset {
                legend { "Treatment" }
                label for="date" { "Treatment date" }
                input #date type="date" name="date" value=(values.text("date").unwrap_or(today)) required;
                label for="session_number" { "Session number in the series" }
                input #session_number type="number" name="session_number" min="1" max="100" value=(values.text("session_number").unwrap_or_else(|| "1".into()));
            }
            fieldset {
                legend { "Fitzpatrick skin type" }
                div.choices {
                    @for (i, text) in FITZPATRICK.iter().enumerate() {
                        @let v = (i + 1).to_string();
                        label.choice { input type="radio" name="fitzpatrick" value=(v) required checked[checked("fitzpatrick", &v)]; " " (text) }
                    }
                }
            }
            fieldset {
                legend { "Areas to treat" }
                p.hint { "Tap the map or tick the list." }
                div.map-and-list {
                    (zonemap::map("Zone map", true, |z| if selected_areas.iter().any(|a| a == z) { "selected".into() } else { String::new() },
                        |z| p.zone(z).map_or_else(|| z.to_string(), |zone| zone.label.clone())))
                    div.choices {
                        @for zone in &p.zones {
                            label.choice { input type="checkbox" name="area" value=(zone.id) checked[checked("area", &zone.id)]; " " (zone.label) }
                        }
                    }
                }
            }
            fieldset {
                legend { "Concerns" }
                div.choices {
                    @for concern in &p.concerns {
                        label.choice { input type="checkbox" name="concern" value=(concern.id) checked[checked("concern", &concern.id)]; " " (concern.label) }
                    }
                }
            }
            fieldset {
                legend { "Device" }
                label for="device" { "Device" }
                select #device name="device" {
                    @for model in &p.device_models {
                        @let v = format!("model:{}", model.id);
                        option value=(v) selected[checked("device", &v)] { (model.label) " (" (model.range) ")" }
                    }
                    @for class in &p.device_classes {
                        @let v = format!("class:{}", class.id);
                        option value=(v) selected[checked("device", &v)] { (class.label) ": enter its range below" }
                    }
                }
                div.row {
                    div { label for="device_min" { "Shallowest setting (mm)" } input #device_min type="number" step="0.05" min="0" name="device_min" value=(values.text("device_min").unwrap_or_default()); }
                    div { label for="device_max" { "Deepest setting (mm)" } input #device_max type="number" step="0.05" min="0" name="device_max" value=(values.text("device_max").unwrap_or_default()); }
                }
            }
            fieldset {
                legend { "Health history: tick what applies" }
                div.choices {
                    @for flag in HistoryFlag::ALL {
                        label.choice { input type="checkbox" name="flag" value=(flag.name()) checked[checked("flag", flag.name())]; " " (label_of(flag.name())) }
                    }
                }
            }
            fieldset {
                legend { "When did these last happen? Leave empty for never." }
                div.dates {
                    @for field in HistoryDate::ALL {
                        @let name = format!("when_{}", field.name());
                        div { label for=(name) { (label_of(field.name())) } input id=(name) type="date" name=(name) value=(values.text(&name).unwrap_or_default()); }
                    }
                }
            }
            fieldset {
                legend { "Active skin conditions, where they are" }
                @for row in 1..=CONDITION_ROWS {
                    div.condition-row {
                        @let cond = format!("condition_{row}");
                        @let sev = format!("severity_{row}");
                        @let zones = format!("zones_{row}");
                        div { label for=(cond) { "Condition " (row) }
                            select id=(cond) name=(cond) {
                                option value="" { "None" }
                                @for c in &p.conditions { option value=(c.id) selected[checked(&cond, &c.id)] { (c.label) } }
                            } }
                        div { label for=(sev) { "Severity" }
                            select id=(sev) name=(sev) {
                                option value="" { "Not stated" }
                                @for s in Severity::ALL { option value=(s.name()) selected[checked(&sev, s.name())] { (label_of(s.name())) } }
                            } }
                        div { label for=(zones) { "Where" }
                            select id=(zones) name=(zones) multiple size="4" {
                                @for z in &p.zones { option value=(z.id) selected[checked(&zones, &z.id)] { (z.label) } }
                            } }
                    }
                }
            }
            button.primary type="submit" { "Save intake and plan" }
        }
    }
}

pub async fn form_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
) -> PageResult<Markup> {
    let client = clients::read(&state.app, &user.actor, &id).await?;
    let title = format!("Intake: {}", client.fields.full_name());
    let today = state.app.today().await?;
    Ok(page(
        &title,
        Some(&user),
        form(&state, &user, &client, today, &Pairs(Vec::new()), None),
    ))
}

pub use form_page as form_handler;

fn number_or_text(text: Option<String>) -> Value {
    match text {
        None => Value::Null,
        Some(t) => t
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(t), Value::Number),
    }
}

/// The form's fields as an intake in the contract's shape; the intake reader then checks it.
fn intake_json(pairs: &Pairs) -> Value {
    let device = match pairs.get("device").and_then(|d| d.split_once(':')) {
        Some(("model", id)) => json!({ "model": id }),
        Some((_, class)) => {
            json!({ "class": class, "min_mm": number_or_text(pairs.text("device_min")), "max_mm": number_or_text(pairs.text("device_max")) })
        }
        None => Value::Null,
    };
    let mut history = Map::new();
    for flag in pairs.all("flag") {
        history.insert(flag, Value::Bool(true));
    }
    for field in HistoryDate::ALL {
        if let Some(date) = pairs.text(&format!("when_{}", field.name())) {
            history.insert(field.name().into(), Value::String(date));
        }
    }
    let conditions: Vec<Value> = (1..=CONDITION_ROWS)
        .filter_map(|row| {
            let condition = pairs.text(&format!("condition_{row}"))?;
            let mut entry = json!({ "condition": condition, "zones": pairs.all(&format!("zones_{row}")) });
            if let (Some(severity), Some(map)) =
                (pairs.text(&format!("severity_{row}")), entry.as_object_mut())
            {
                map.insert("severity".into(), Value::String(severity));
            }
            Some(entry)
        })
        .collect();
    let fitzpatrick = pairs.text("fitzpatrick").map_or(Value::Null, |f| {
        f.parse::<u64>().map_or(Value::String(f), Value::from)
    });
    let session = pairs.text("session_number").map_or(Value::from(1), |s| {
        s.parse::<u64>().map_or(Value::String(s), Value::from)
    });
    json!({
        "date": pairs.text("date"),
        "client": { "birth_date": pairs.text("birth_date"), "fitzpatrick": fitzpatrick },
        "device": device,
        "areas": pairs.all("area"),
        "concerns": pairs.all("concern"),
        "session_number": session,
        "history": history,
        "conditions": conditions,
    })
}

pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    match intakes::create(&state.app, &user.actor, &id, &intake_json(&pairs)).await {
        Ok((record, _)) => Ok(Redirect::to(&format!("/intakes/{}", record.id)).into_response()),
        Err(error @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let client = state.app.store.client(&id).await?.ok_or(AppError::NotFound)?;
            let today = state.app.today().await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "Intake",
                    Some(&user),
                    form(&state, &user, &client, today, &pairs, Some(&error)),
                ),
            )
                .into_response())
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<IntakeId>,
) -> PageResult<Markup> {
    let view = intakes::read(&state.app, &user.actor, &id).await?;
    let client = state
        .app
        .store
        .client(&view.record.client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let title = format!(
        "Plan: {}, intake {}",
        client.fields.full_name(),
        view.record.number
    );
    Ok(page(
        &title,
        Some(&user),
        plan_view::render(&state, &user, &client, &view, None),
    ))
}

pub async fn adjust_depth(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<IntakeId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let zone = pairs.text("zone").unwrap_or_default();
    let mm = pairs.text("planned_mm").and_then(|v| v.parse::<f64>().ok());
    let result = match mm {
        None => Err(AppError::field("planned_mm", "expected a depth in millimetres")),
        Some(mm) => {
            intakes::adjust_depth(
                &state.app,
                &user.actor,
                &id,
                &zone,
                mm,
                pairs.text("reason").as_deref(),
            )
            .await
        }
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/intakes/{id}#depths")).into_response()),
        Err(error @ AppError::Invalid { .. }) => {
            let view = intakes::read(&state.app, &user.actor, &id).await?;
            let client = state
                .app
                .store
                .client(&view.record.client_id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "Plan",
                    Some(&user),
                    plan_view::render(&state, &user, &client, &view, Some(&error)),
                ),
            )
                .into_response())
        }
        Err(error) => Err(error.into()),
    }
}
