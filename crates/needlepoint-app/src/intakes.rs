//! Intake → screening → plan, stored immutably; depth adjustments recorded beside the plan.

use needlepoint_domain::depth::Mm;
use needlepoint_domain::engine;
use needlepoint_domain::intake::parse;
use needlepoint_domain::plan::Plan;
use needlepoint_store::{
    AuditAction, ClientId, ConsentKind, DepthOverride, DepthOverrideId, IntakeId, IntakeRecord,
    NewDepthOverride, NewIntake,
};

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult};

/// Reads the answers against the protocol, plans them and stores both. A new intake never changes
/// an old one: each gets the next number for the client.
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    client_id: &ClientId,
    body: &serde_json::Value,
) -> AppResult<(IntakeRecord, Plan)> {
    let by = ctx.staff(actor, Action::TakeIntake).await?;
    let client = crate::clients::load(ctx, client_id).await?;
    if client.archived {
        return Err(AppError::Conflict {
            message: "this client is archived; restore the record before taking a new intake".into(),
        });
    }
    let intake = parse::from_value(body, &ctx.protocol).map_err(|errors| {
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
    if intake.client.birth_date != client.fields.birth_date {
        return Err(AppError::field(
            "client.birth_date",
            format!(
                "does not match the client record ({}); check you have the right client",
                client.fields.birth_date
            ),
        ));
    }
    let plan = engine::plan(&ctx.protocol, &intake);
    let id = IntakeId::new();
    let audit = ctx.ok(
        actor,
        AuditAction::IntakeCreate,
        Some(client_id),
        format!("intake={id} decision={}", plan.screening.decision.name()),
    );
    let record = ctx
        .store
        .add_intake(
            NewIntake {
                id,
                client_id: client_id.clone(),
                intake: intake.to_json(),
                plan: plan.clone(),
                protocol_version: ctx.protocol.stamp().to_string(),
                created_by: by.id.clone(),
                created_at: ctx.now(),
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
    /// The clinic's time zone, for showing when the intake was recorded.
    pub time_zone: jiff::tz::TimeZone,
}

impl IntakeView {
    /// Whether a session may go ahead on this intake: the screening allows it and the client has a
    /// valid treatment consent.
    pub fn can_proceed(&self) -> bool {
        self.record.decision.allows_treatment() && self.treatment_consent_valid
    }
}

pub async fn read(ctx: &Context, actor: &Actor, id: &IntakeId) -> AppResult<IntakeView> {
    ctx.authorize(actor, Action::ReadIntake).await?;
    let record = ctx.store.intake(id).await?.ok_or(AppError::NotFound)?;
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::IntakeRead,
            Some(&record.client_id),
            format!("intake={id}"),
        ))
        .await?;
    let overrides = ctx.store.depth_overrides(id).await?;
    let treatment_consent_valid = treatment_consent_valid(ctx, &record.client_id).await?;
    Ok(IntakeView {
        record,
        overrides,
        treatment_consent_valid,
        time_zone: ctx.time_zone().await?,
    })
}

/// Whether the client has a treatment consent that has not been withdrawn.
pub async fn treatment_consent_valid(ctx: &Context, client_id: &ClientId) -> AppResult<bool> {
    Ok(ctx
        .store
        .consents_for_client(client_id)
        .await?
        .iter()
        .any(|c| c.kind == ConsentKind::Treatment && c.is_valid()))
}

pub async fn list(ctx: &Context, actor: &Actor, client_id: &ClientId) -> AppResult<Vec<IntakeRecord>> {
    ctx.authorize(actor, Action::ListIntakes).await?;
    crate::clients::load(ctx, client_id).await?;
    let list = ctx.store.intakes_for_client(client_id).await?;
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::IntakeList,
            Some(client_id),
            format!("results={}", list.len()),
        ))
        .await?;
    Ok(list)
}

/// Sets a zone's depth for this plan. Inside the planned range it is an adjustment; outside it
/// needs a written reason and is recorded as an override.
pub async fn adjust_depth(
    ctx: &Context,
    actor: &Actor,
    intake_id: &IntakeId,
    zone: &str,
    planned_mm: f64,
    reason: Option<&str>,
) -> AppResult<DepthOverride> {
    let by = ctx.staff(actor, Action::AdjustDepth).await?;
    let record = ctx.store.intake(intake_id).await?.ok_or(AppError::NotFound)?;
    let Some(planned) = record.plan.zones.iter().find(|z| z.zone == zone) else {
        let valid: Vec<&str> = record.plan.zones.iter().map(|z| z.zone.as_str()).collect();
        return Err(AppError::field(
            "zone",
            format!("not a planned zone of this intake; planned: {}", valid.join(", ")),
        ));
    };
    let depth = Mm::from_mm(planned_mm).map_err(|p| AppError::field("planned_mm", p.to_string()))?;
    let class_max = ctx
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
    let (min, max) = (planned.depth_mm.min, planned.depth_mm.max);
    let outside = depth < min || depth > max;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if outside && reason.is_none_or(|r| r.chars().count() < 10) {
        return Err(AppError::field(
            "reason",
            format!(
                "{depth} mm is outside the planned range ({min}-{max} mm): write the clinical reason (at least 10 characters)"
            ),
        ));
    }
    let audit = ctx.ok(
        actor,
        if outside {
            AuditAction::DepthOverride
        } else {
            AuditAction::DepthAdjust
        },
        Some(&record.client_id),
        format!("intake={intake_id} zone={zone} mm={depth}"),
    );
    Ok(ctx
        .store
        .add_depth_override(
            NewDepthOverride {
                id: DepthOverrideId::new(),
                intake_id: intake_id.clone(),
                zone: zone.to_string(),
                planned_hundredths: depth.hundredths(),
                outside_bounds: outside,
                reason: reason.map(str::to_string),
                created_by: by.id.clone(),
                created_at: ctx.now(),
            },
            audit,
        )
        .await?)
}
