//! The intake form (tablet first) and the plan page.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use needlepoint_app::{AppError, clients, intakes};
use needlepoint_domain::protocol::Protocol;
use needlepoint_store::{ClientId, IntakeId};
use serde_json::{Value, json};

use crate::extract::Id;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::Pairs;
use crate::ui::layout::page;
use crate::ui::plan_view;

mod form;
mod questions;

use form::{CONDITION_ROWS, form};

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
fn intake_json(protocol: &Protocol, pairs: &Pairs) -> Value {
    let device = match pairs.get("device").and_then(|d| d.split_once(':')) {
        Some(("model", id)) => json!({ "model": id }),
        Some((_, class)) => {
            json!({ "class": class, "min_mm": number_or_text(pairs.text("device_min")), "max_mm": number_or_text(pairs.text("device_max")) })
        }
        None => Value::Null,
    };
    let history = questions::history(protocol, pairs);
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
    match intakes::create(
        &state.app,
        &user.actor,
        &id,
        &intake_json(&state.app.protocol, &pairs),
    )
    .await
    {
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
