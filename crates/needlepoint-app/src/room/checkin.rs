//! Checking a client in: the gate (consent, the screening on the day, "anything changed?"), a
//! re-screen when something did, and the chart it opens.

use needlepoint_domain::chart::Chart;
use needlepoint_domain::checkin::{ChangesSinceLastVisit, GateInput, GateResult, check};
use needlepoint_store::{
    Appointment, AppointmentChange, AppointmentId, AppointmentStatus, AuditAction, AuditOutcome, ChartId,
    IntakeRecord, NewChart,
};
use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::intakes;
use crate::plans::CurrentPlan;

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInInput {
    /// The appointment's version, as last read.
    pub version: Option<i64>,
    /// The answers to "anything changed since your last visit?".
    pub changes: Option<ChangesSinceLastVisit>,
    /// When anything changed: the updated intake (as in the contract), which screens the client
    /// again before the session.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub intake: Option<serde_json::Value>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedIn {
    pub appointment: Appointment,
    pub chart_id: ChartId,
    pub gate: GateResult,
}

/// The gate at the door: consent, the latest screening on the session's day, the answers, and a
/// new screening when something changed. A shut gate is recorded and answered with its blockers.
async fn open_gate(
    ctx: &Context,
    actor: &Actor,
    appointment: &Appointment,
    input: &CheckInInput,
) -> AppResult<(GateResult, Option<IntakeRecord>)> {
    let mut rescreened = None;
    if let (Some(changes), Some(body)) = (input.changes, &input.intake)
        && changes.any()
    {
        // Screening again is clinical work: `intakes::create` asks for the clinical role.
        let (record, _) = intakes::create(ctx, actor, &appointment.client_id, body).await?;
        rescreened = Some(record);
    }
    let latest = match &rescreened {
        Some(record) => record.clone(),
        None => ctx
            .store
            .intakes_for_client(&appointment.client_id)
            .await?
            .into_iter()
            .max_by_key(|i| i.number)
            .ok_or(AppError::NotFound)?,
    };
    let overrides = ctx.store.depth_overrides(&latest.id).await?;
    let plan = CurrentPlan::read(latest, &overrides);
    let gate = check(&GateInput {
        session_date: appointment.starts_at.date(),
        treatment_consent_valid: intakes::treatment_consent_valid(ctx, &appointment.client_id).await?,
        decision: plan.decision(),
        defer_until: plan.plan().screening.defer_until,
        changes: input.changes,
        rescreened_after_changes: rescreened.is_some(),
    });
    if !gate.may_start {
        let codes: Vec<&str> = gate.blockers.iter().map(|b| b.code).collect();
        let entry = ctx.entry(
            actor,
            AuditAction::AppointmentCheckIn,
            AuditOutcome::Refused,
            Some(&appointment.client_id),
            format!("appointment={} blockers={}", appointment.id, codes.join(",")),
        );
        ctx.audit.record(entry).await?;
        return Err(AppError::invalid(
            "the session cannot start yet",
            gate.blockers
                .iter()
                .map(|b| (b.code.to_string(), b.message.clone()))
                .collect(),
        ));
    }
    Ok((gate, rescreened))
}

pub async fn check_in(
    ctx: &Context,
    actor: &Actor,
    appointment_id: &AppointmentId,
    input: &CheckInInput,
) -> AppResult<CheckedIn> {
    ctx.authorize(actor, Action::CheckIn).await?;
    let appointment = ctx
        .store
        .appointment(appointment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "required: the version you last read"))?;
    if appointment.status != AppointmentStatus::Booked {
        return Err(AppError::Frozen {
            message: format!(
                "the appointment is {}; only a booked appointment can be checked in",
                appointment.status.name()
            ),
        });
    }
    let (gate, rescreened) = open_gate(ctx, actor, &appointment, input).await?;
    let chart_id = ChartId::new();
    let audit = ctx.ok(
        actor,
        AuditAction::AppointmentCheckIn,
        Some(&appointment.client_id),
        format!(
            "appointment={appointment_id} chart={chart_id} rescreened={}",
            rescreened.is_some()
        ),
    );
    let change = AppointmentChange {
        id: appointment_id.clone(),
        expected_version: version,
        status: AppointmentStatus::CheckedIn,
        reason: None,
        new_time: None,
        new_intake_id: rescreened.map(|r| r.id),
        updated_at: ctx.now(),
    };
    let chart = NewChart {
        id: chart_id,
        appointment_id: appointment_id.clone(),
        client_id: appointment.client_id.clone(),
        chart: Chart {
            changes_since_last_visit: input.changes,
            ..Chart::default()
        },
        created_at: ctx.now(),
    };
    let (appointment, chart) = ctx.store.check_in(change, chart, audit).await?;
    Ok(CheckedIn {
        appointment,
        chart_id: chart.id,
        gate,
    })
}
