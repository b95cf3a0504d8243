//! Intake → screening → plan, stored immutably; depth adjustments recorded beside the plan.

use needlepoint_domain::engine;
use needlepoint_domain::intake::parse;
use needlepoint_domain::plan::Plan;
use needlepoint_store::{ConsentKind, DepthOverride, IntakeRecord, NewDepthOverride, NewIntake};

use super::new_id;
use crate::auth::CurrentUser;
use crate::auth::session::now_text;
use crate::error::AppError;
use crate::state::AppState;

/// Reads the intake against the protocol, plans it and stores both. A new intake never changes an
/// old one: each gets the next number for the client.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    client_id: &str,
    body: &serde_json::Value,
) -> Result<(IntakeRecord, Plan), AppError> {
    let client = state.store.client(client_id).await?.ok_or(AppError::NotFound)?;
    if client.archived {
        return Err(AppError::Conflict {
            message: "this client is archived; restore the record before taking a new intake".into(),
        });
    }
    let intake = parse::from_value(body, &state.protocol).map_err(|errors| {
        AppError::invalid(
            "the intake cannot be used",
            errors
                .0
                .into_iter()
                .map(|e| {
                    (
                        if e.path.is_empty() {
                            "intake".into()
                        } else {
                            e.path
                        },
                        e.problem,
                    )
                })
                .collect(),
        )
    })?;
    if intake.client.birth_date.to_string() != client.fields.birth_date {
        return Err(AppError::field(
            "client.birth_date",
            format!(
                "does not match the client record ({}); check you have the right client",
                client.fields.birth_date
            ),
        ));
    }
    let plan = engine::plan(&state.protocol, &intake);
    let plan_json = serde_json::to_value(&plan).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = new_id();
    let audit = user.audit_entry(
        "intake.create",
        "ok",
        Some(client_id),
        format!("intake={id} decision={}", plan.screening.decision.name()),
    );
    let record = state
        .store
        .add_intake(
            NewIntake {
                id,
                client_id: client_id.to_string(),
                intake: intake.to_json(),
                plan: plan_json,
                decision: plan.screening.decision.name().to_string(),
                protocol_version: format!("{} {}", state.protocol.name, state.protocol.version),
                created_by: user.user.id.clone(),
                created_at: now_text(),
            },
            audit,
        )
        .await?;
    Ok((record, plan))
}

/// An intake with what a practitioner needs beside it.
pub struct IntakeView {
    pub record: IntakeRecord,
    pub overrides: Vec<DepthOverride>,
    pub treatment_consent_valid: bool,
}

impl IntakeView {
    /// Whether a session may go ahead on this intake: the screening allows it and the client has a
    /// valid treatment consent.
    pub fn can_proceed(&self) -> bool {
        matches!(
            self.record.decision.as_str(),
            "proceed" | "proceed_with_precautions"
        ) && self.treatment_consent_valid
    }
}

pub async fn read(state: &AppState, user: &CurrentUser, id: &str) -> Result<IntakeView, AppError> {
    let record = state.store.intake(id).await?.ok_or(AppError::NotFound)?;
    state
        .audit
        .record_read(user.audit_entry(
            "intake.read",
            "ok",
            Some(&record.client_id),
            format!("intake={id}"),
        ))
        .await?;
    let overrides = state.store.depth_overrides(id).await?;
    let treatment_consent_valid = treatment_consent_valid(state, &record.client_id).await?;
    Ok(IntakeView {
        record,
        overrides,
        treatment_consent_valid,
    })
}

pub async fn treatment_consent_valid(state: &AppState, client_id: &str) -> Result<bool, AppError> {
    Ok(state
        .store
        .consents_for_client(client_id)
        .await?
        .iter()
        .any(|c| c.kind == ConsentKind::Treatment && c.is_valid()))
}

pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    client_id: &str,
) -> Result<Vec<IntakeRecord>, AppError> {
    state.store.client(client_id).await?.ok_or(AppError::NotFound)?;
    let list = state.store.intakes_for_client(client_id).await?;
    state
        .audit
        .record_read(user.audit_entry(
            "intake.list",
            "ok",
            Some(client_id),
            format!("results={}", list.len()),
        ))
        .await?;
    Ok(list)
}

/// Sets a zone's depth for this plan. Inside the planned range it is an adjustment; outside it
/// needs a written reason and is recorded as an override.
pub async fn adjust_depth(
    state: &AppState,
    user: &CurrentUser,
    intake_id: &str,
    zone: &str,
    planned_mm: f64,
    reason: Option<&str>,
) -> Result<DepthOverride, AppError> {
    let record = state.store.intake(intake_id).await?.ok_or(AppError::NotFound)?;
    let zones = record.plan["zones"].as_array().cloned().unwrap_or_default();
    let Some(planned) = zones.iter().find(|z| z["zone"] == zone) else {
        let valid: Vec<String> = zones
            .iter()
            .filter_map(|z| z["zone"].as_str().map(str::to_string))
            .collect();
        return Err(AppError::field(
            "zone",
            format!("not a planned zone of this intake; planned: {}", valid.join(", ")),
        ));
    };
    let depth = needlepoint_domain::depth::Mm::from_mm(planned_mm)
        .map_err(|p| AppError::field("planned_mm", p.to_string()))?;
    let class_max = state
        .protocol
        .device_classes
        .iter()
        .map(|c| c.range.max)
        .max()
        .unwrap_or(depth);
    if depth > class_max {
        return Err(AppError::field(
            "planned_mm",
            format!("no device in the protocol reaches beyond {class_max} mm"),
        ));
    }
    let to_hundredths = |v: &serde_json::Value| v.as_f64().map_or(0, |mm| (mm * 100.0).round() as i64);
    let (min, max) = (
        to_hundredths(&planned["depth_mm"]["min"]),
        to_hundredths(&planned["depth_mm"]["max"]),
    );
    let hundredths = i64::from(depth.hundredths());
    let outside = hundredths < min || hundredths > max;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if outside && reason.is_none_or(|r| r.chars().count() < 10) {
        return Err(AppError::field(
            "reason",
            format!(
                "{planned_mm} mm is outside the planned range ({}-{} mm): write the clinical reason (at least 10 characters)",
                min as f64 / 100.0,
                max as f64 / 100.0
            ),
        ));
    }
    let audit = user.audit_entry(
        if outside { "depth.override" } else { "depth.adjust" },
        "ok",
        Some(&record.client_id),
        format!("intake={intake_id} zone={zone} mm={planned_mm}"),
    );
    Ok(state
        .store
        .add_depth_override(
            NewDepthOverride {
                id: new_id(),
                intake_id: intake_id.to_string(),
                zone: zone.to_string(),
                planned_hundredths: hundredths,
                outside_bounds: outside,
                reason: reason.map(str::to_string),
                created_by: user.user.id.clone(),
                created_at: now_text(),
            },
            audit,
        )
        .await?)
}
