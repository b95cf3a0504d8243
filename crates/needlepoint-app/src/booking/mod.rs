//! The appointment book: booking a session from a plan, proposing a whole series, the calendar,
//! rescheduling, cancelling and no-shows.

mod calendar;
mod parties;
mod propose;

pub use calendar::{Calendar, CalendarEntry, CalendarQuery, SeriesView, calendar, series};
pub use propose::{ProposalInput, ProposedSession, SeriesProposal, propose_series};

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use needlepoint_domain::schedule::Slot;
use needlepoint_store::{
    Appointment, AppointmentChange, AppointmentFilter, AppointmentId, AppointmentStatus, AuditAction,
    ClientId, NewAppointment, SessionTime,
};
use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problems};
use crate::plans::CurrentPlan;
use parties::{Named, Parties};

/// No session is longer than this, so a booking can only clash with bookings that start within
/// this long before it: the clash search stays an index range.
const LONGEST_SESSION_HOURS: i64 = 12;

fn parse_time(problems: &mut Problems, field: &str, value: &Option<String>) -> Option<DateTime> {
    let text = value.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        problems.add(field, "required: the clinic's local time as YYYY-MM-DDTHH:MM");
        return None;
    }
    match text.parse::<DateTime>() {
        Ok(time) => Some(time),
        Err(_) => {
            problems.add(field, "expected the clinic's local time as YYYY-MM-DDTHH:MM");
            None
        }
    }
}

/// A slot in the clinic's wall-clock time, with the instants it stands for.
pub(crate) fn session_time(slot: Slot, zone: &TimeZone) -> AppResult<SessionTime> {
    let instant = |t: DateTime| {
        zone.to_timestamp(t)
            .map_err(|_| AppError::field("starts_at", "not a time that exists in the clinic's time zone"))
    };
    Ok(SessionTime {
        starts_at: slot.start,
        ends_at: slot.end,
        starts_utc: instant(slot.start)?,
        ends_utc: instant(slot.end)?,
        clash_window_start: slot
            .start
            .checked_sub(LONGEST_SESSION_HOURS.hours())
            .unwrap_or(DateTime::MIN),
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingInput {
    pub client_id: Option<String>,
    /// The intake whose plan the session follows; the client's latest when left out.
    pub intake_id: Option<String>,
    pub practitioner_id: Option<String>,
    pub room_id: Option<String>,
    pub device_id: Option<String>,
    /// The clinic's local time, `YYYY-MM-DDTHH:MM`.
    pub starts_at: Option<String>,
    /// The zones to treat; all planned zones when left out.
    pub zones: Option<Vec<String>>,
    /// Why the session comes sooner than the minimum interval after the last one on these zones.
    pub early_reason: Option<String>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booked {
    pub appointment: Appointment,
    /// Things to know that do not stop the booking (device service due, depth above the licence).
    pub warnings: Vec<String>,
}

fn warnings_for(parties: &Parties, day: Date, zones: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(due) = parties.device.service_due_on
        && due <= day
    {
        warnings.push(format!(
            "The device {} was due for service on {due}.",
            parties.device.name
        ));
    }
    for (zone, depth) in parties.plan.zones.iter().filter(|(z, _)| zones.contains(z)) {
        if parties.licence_max.is_some_and(|max| depth.hundredths() > max) {
            warnings.push(format!(
                "{zone} is planned at {depth} mm, above {}'s licence limit: the chart will need a supervising co-signature.",
                parties.practitioner.email
            ));
        }
        if depth.hundredths() > parties.device.max_hundredths
            || depth.hundredths() < parties.device.min_hundredths
        {
            warnings.push(format!(
                "{zone} is planned at {depth} mm, outside the device {}'s range.",
                parties.device.name
            ));
        }
    }
    warnings
}

/// The client's sessions that hold their time (booked, checked in, done).
pub(crate) async fn held_sessions(ctx: &Context, client_id: &ClientId) -> AppResult<Vec<Appointment>> {
    Ok(ctx
        .store
        .appointments(&AppointmentFilter::client(client_id))
        .await?
        .into_iter()
        .filter(|a| a.status.holds_resources())
        .collect())
}

/// The nearest held session on any of `zones` (before or after `day`) that lies closer than the
/// minimum interval, if one does.
fn too_close(
    held: &[Appointment],
    own_id: Option<&AppointmentId>,
    zones: &[String],
    day: Date,
    min_days: u32,
) -> Option<(Date, i32)> {
    held.iter()
        .filter(|a| Some(&a.id) != own_id && a.zones.iter().any(|z| zones.contains(z)))
        .filter_map(|a| {
            let other = a.starts_at.date();
            let gap = other.until(day).ok()?.get_days().abs();
            (gap < i32::try_from(min_days).unwrap_or(i32::MAX)).then_some((other, gap))
        })
        .min_by_key(|(_, gap)| *gap)
}

fn early_reason(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|r| !r.is_empty())
}

/// The zones asked for, each checked against the plan.
fn chosen_zones(problems: &mut Problems, asked: &Option<Vec<String>>, plan: &CurrentPlan) -> Vec<String> {
    let planned: Vec<String> = plan.zones.iter().map(|(z, _)| z.clone()).collect();
    let zones = asked.clone().unwrap_or_else(|| planned.clone());
    if zones.is_empty() {
        problems.add("zones", "choose at least one planned zone");
    }
    for (i, zone) in zones.iter().enumerate() {
        if !planned.contains(zone) {
            problems.add(
                &format!("zones[{i}]"),
                format!("`{zone}` is not in the plan; planned: {}", planned.join(", ")),
            );
        }
    }
    zones
}

/// Whether the session may take this slot: opening hours, a deferral, the interval since (or
/// until) the client's other sessions on these zones. Each problem names its field.
async fn check_slot(
    ctx: &Context,
    problems: &mut Problems,
    parties: &Parties,
    (slot, zones): (Slot, &[String]),
    early: Option<&str>,
) -> AppResult<()> {
    let minutes = parties.plan.plan().session.total_minutes;
    if !crate::settings::opening_hours(ctx).await?.contains(&slot) {
        problems.add(
            "starts_at",
            format!(
                "{}–{} ({minutes} minutes, from the plan's session timeline) is not inside the clinic's opening hours",
                slot.start.strftime("%Y-%m-%dT%H:%M:%S"),
                slot.end.strftime("%H:%M")
            ),
        );
    }
    let plan = parties.plan.plan();
    if plan.booking_refusal(jiff::civil::Date::MAX).is_none()
        && let Some(reason) = plan.booking_refusal(slot.start.date())
    {
        problems.add("starts_at", reason);
    }
    let held = held_sessions(ctx, &parties.client.id).await?;
    let min_days = parties
        .plan
        .min_interval_for(zones, ctx.protocol.series.floor_days);
    if let Some((other, gap)) = too_close(&held, None, zones, slot.start.date(), min_days)
        && early.is_none()
    {
        problems.add(
            "early_reason",
            format!(
                "this is {gap} days from the session on {other} on the same zones; the plan's minimum is {min_days} days. Give a reason to book it anyway"
            ),
        );
    }
    Ok(())
}

pub async fn book(ctx: &Context, actor: &Actor, input: &BookingInput) -> AppResult<Booked> {
    let by = ctx.staff(actor, Action::Book).await?;
    let mut problems = Problems::default();
    let start = parse_time(&mut problems, "starts_at", &input.starts_at);
    let named = Named {
        client_id: input.client_id.as_deref(),
        intake_id: input.intake_id.as_deref(),
        practitioner_id: input.practitioner_id.as_deref(),
        room_id: input.room_id.as_deref(),
        device_id: input.device_id.as_deref(),
    };
    let parties = parties::load(ctx, &mut problems, &named).await?;
    let (Some(start), Some(parties)) = (start, parties) else {
        problems.finish()?;
        return Err(AppError::field("body", "incomplete booking"));
    };
    let zones = chosen_zones(&mut problems, &input.zones, &parties.plan);
    let slot = Slot::new(start, parties.plan.plan().session.total_minutes)
        .ok_or_else(|| AppError::field("starts_at", "too far in the future"))?;
    let early = early_reason(&input.early_reason);
    check_slot(ctx, &mut problems, &parties, (slot, &zones), early).await?;
    problems.finish()?;
    let warnings = warnings_for(&parties, start.date(), &zones);
    let id = AppointmentId::new();
    let audit = ctx.ok(
        actor,
        AuditAction::AppointmentBook,
        Some(&parties.client.id),
        format!("appointment={id} early={}", early.is_some()),
    );
    let appointment = NewAppointment {
        id,
        client_id: parties.client.id.clone(),
        intake_id: parties.intake.id.clone(),
        practitioner_id: parties.practitioner.id.clone(),
        room_id: parties.room.id.clone(),
        device_id: parties.device.id.clone(),
        time: session_time(slot, &ctx.time_zone().await?)?,
        zones,
        early_reason: early.map(str::to_string),
        created_by: by.id.clone(),
        created_at: ctx.now(),
    };
    let appointment = ctx.store.book(appointment, audit).await?;
    Ok(Booked {
        appointment,
        warnings,
    })
}

/// An appointment, its read recorded.
pub async fn read(ctx: &Context, actor: &Actor, id: &AppointmentId) -> AppResult<Appointment> {
    ctx.authorize(actor, Action::ReadAppointment).await?;
    let appointment = ctx.store.appointment(id).await?.ok_or(AppError::NotFound)?;
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::AppointmentRead,
            Some(&appointment.client_id),
            format!("appointment={id}"),
        ))
        .await?;
    Ok(appointment)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusInput {
    /// The appointment's version, as last read.
    pub version: Option<i64>,
    /// Required for a cancellation; optional for a no-show.
    pub reason: Option<String>,
}

/// Cancels an appointment or marks it a no-show.
pub async fn set_status(
    ctx: &Context,
    actor: &Actor,
    id: &AppointmentId,
    status: AppointmentStatus,
    input: &StatusInput,
) -> AppResult<Appointment> {
    ctx.authorize(actor, Action::ChangeAppointment).await?;
    let action = match status {
        AppointmentStatus::Cancelled => AuditAction::AppointmentCancel,
        AppointmentStatus::NoShow => AuditAction::AppointmentNoShow,
        other => {
            return Err(AppError::field(
                "status",
                format!("{} is not set here", other.name()),
            ));
        }
    };
    let current = ctx.store.appointment(id).await?.ok_or(AppError::NotFound)?;
    let mut problems = Problems::default();
    let version = input.version.unwrap_or_else(|| {
        problems.add("version", "required: the version you last read");
        0
    });
    let reason = early_reason(&input.reason);
    if status == AppointmentStatus::Cancelled && reason.is_none() {
        problems.add("reason", "say why the appointment is cancelled");
    }
    problems.finish()?;
    if current.status != AppointmentStatus::Booked {
        return Err(AppError::Frozen {
            message: format!(
                "the appointment is {}; only a booked appointment can be marked {}",
                current.status.name(),
                status.name()
            ),
        });
    }
    let audit = ctx.ok(
        actor,
        action,
        Some(&current.client_id),
        format!("appointment={id}"),
    );
    Ok(ctx
        .store
        .change_appointment(
            AppointmentChange {
                id: id.clone(),
                expected_version: version,
                status,
                reason: reason.map(str::to_string),
                new_time: None,
                new_intake_id: None,
                updated_at: ctx.now(),
            },
            audit,
        )
        .await?)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RescheduleInput {
    pub version: Option<i64>,
    /// The new start, the clinic's local time `YYYY-MM-DDTHH:MM`.
    pub starts_at: Option<String>,
    pub reason: Option<String>,
    /// Why the new time is sooner than the minimum interval, when it is.
    pub early_reason: Option<String>,
}

pub async fn reschedule(
    ctx: &Context,
    actor: &Actor,
    id: &AppointmentId,
    input: &RescheduleInput,
) -> AppResult<Appointment> {
    ctx.authorize(actor, Action::ChangeAppointment).await?;
    let current = ctx.store.appointment(id).await?.ok_or(AppError::NotFound)?;
    let mut problems = Problems::default();
    let version = input.version.unwrap_or_else(|| {
        problems.add("version", "required: the version you last read");
        0
    });
    let start = parse_time(&mut problems, "starts_at", &input.starts_at);
    problems.finish()?;
    let start = start.ok_or_else(|| AppError::field("starts_at", "required"))?;
    if current.status != AppointmentStatus::Booked {
        return Err(AppError::Frozen {
            message: format!(
                "the appointment is {}; only a booked appointment can be moved",
                current.status.name()
            ),
        });
    }
    let length = Slot {
        start: current.starts_at,
        end: current.ends_at,
    }
    .minutes();
    let slot = Slot::new(start, u32::try_from(length).unwrap_or(0))
        .ok_or_else(|| AppError::field("starts_at", "too far in the future"))?;
    let hours = crate::settings::opening_hours(ctx).await?;
    let mut problems = Problems::default();
    if !hours.contains(&slot) {
        problems.add(
            "starts_at",
            "the new time is not inside the clinic's opening hours",
        );
    }
    let intake = ctx
        .store
        .intake(&current.intake_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let overrides = ctx.store.depth_overrides(&intake.id).await?;
    let plan = CurrentPlan::read(intake, &overrides);
    let min_days = plan.min_interval_for(&current.zones, ctx.protocol.series.floor_days);
    let held = held_sessions(ctx, &current.client_id).await?;
    let early = early_reason(&input.early_reason);
    if let Some((other, gap)) = too_close(&held, Some(id), &current.zones, start.date(), min_days)
        && early.is_none()
    {
        problems.add(
            "early_reason",
            format!("the new time is {gap} days from the session on {other}; the plan's minimum is {min_days} days. Give a reason to move it anyway"),
        );
    }
    problems.finish()?;
    let reason = early_reason(&input.reason).map(str::to_string);
    let audit = ctx.ok(
        actor,
        AuditAction::AppointmentReschedule,
        Some(&current.client_id),
        format!(
            "appointment={id} from={} to={}",
            current.starts_at.strftime("%Y-%m-%dT%H:%M:%S"),
            slot.start.strftime("%Y-%m-%dT%H:%M:%S")
        ),
    );
    Ok(ctx
        .store
        .change_appointment(
            AppointmentChange {
                id: id.clone(),
                expected_version: version,
                status: AppointmentStatus::Booked,
                reason: reason.or_else(|| early.map(str::to_string)),
                new_time: Some(session_time(slot, &ctx.time_zone().await?)?),
                new_intake_id: None,
                updated_at: ctx.now(),
            },
            audit,
        )
        .await?)
}
