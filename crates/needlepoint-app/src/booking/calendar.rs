//! The calendar (a day or a week, by practitioner or room) and a client's series as it stands.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time};
use needlepoint_store::{
    Appointment, AppointmentFilter, AppointmentStatus, AuditAction, ClientId, RoomId, UserId,
};
use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::plans::CurrentPlan;

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct CalendarQuery {
    pub practitioner_id: Option<String>,
    pub room_id: Option<String>,
    /// The first day, `YYYY-MM-DD`; today when left out.
    pub from: Option<String>,
    /// 1 for a day, 7 for a week.
    pub days: Option<u32>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarEntry {
    pub appointment: Appointment,
    pub client_name: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calendar {
    pub from: Date,
    pub days: u32,
    pub entries: Vec<CalendarEntry>,
}

/// An optional id filter: blank is "all"; anything else must be an id.
fn filter_id<T>(field: &str, text: &Option<String>, parse: fn(&str) -> Option<T>) -> AppResult<Option<T>> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse(t)
            .map(Some)
            .ok_or_else(|| AppError::field(field, "not an id this clinic uses")),
    }
}

pub async fn calendar(ctx: &Context, actor: &Actor, query: &CalendarQuery) -> AppResult<Calendar> {
    ctx.authorize(actor, Action::ReadCalendar).await?;
    let from = match query.from.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => ctx.today().await?,
        Some(text) => text
            .parse::<Date>()
            .map_err(|_| AppError::field("from", "expected a date as YYYY-MM-DD"))?,
    };
    let days = query.days.unwrap_or(1);
    if !(1..=31).contains(&days) {
        return Err(AppError::field("days", "between 1 and 31"));
    }
    let to = from
        .checked_add(i64::from(days).days())
        .map_err(|_| AppError::field("from", "out of range"))?;
    let midnight = |d: Date| d.to_datetime(Time::midnight());
    let appointments = ctx
        .store
        .appointments(&AppointmentFilter {
            practitioner_id: filter_id("practitioner_id", &query.practitioner_id, UserId::parse)?,
            room_id: filter_id("room_id", &query.room_id, RoomId::parse)?,
            from: Some(midnight(from)),
            to: Some(midnight(to)),
            ..AppointmentFilter::default()
        })
        .await?;
    let mut entries = Vec::with_capacity(appointments.len());
    for appointment in appointments {
        let client_name = match ctx.store.client(&appointment.client_id).await? {
            Some(c) => c.fields.full_name(),
            None => "?".into(),
        };
        entries.push(CalendarEntry {
            appointment,
            client_name,
        });
    }
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::CalendarRead,
            None,
            format!("from={from} days={days} entries={}", entries.len()),
        ))
        .await?;
    Ok(Calendar { from, days, entries })
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesView {
    pub planned_sessions: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub done: Vec<DateTime>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub booked: Vec<DateTime>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub missed: Vec<DateTime>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub cancelled: Vec<DateTime>,
    /// Sessions of the series not yet booked.
    pub missing: u32,
    pub appointments: Vec<Appointment>,
}

/// The series as it stands: what is done, booked, missed and still missing.
pub async fn series(ctx: &Context, actor: &Actor, client_id: &ClientId) -> AppResult<SeriesView> {
    ctx.authorize(actor, Action::ReadSeries).await?;
    crate::clients::load(ctx, client_id).await?;
    let latest = ctx
        .store
        .intakes_for_client(client_id)
        .await?
        .into_iter()
        .max_by_key(|i| i.number);
    let planned = match latest {
        Some(intake) => {
            let overrides = ctx.store.depth_overrides(&intake.id).await?;
            CurrentPlan::read(intake, &overrides).plan().series.sessions
        }
        None => 0,
    };
    let appointments = ctx
        .store
        .appointments(&AppointmentFilter::client(client_id))
        .await?;
    let when = |s: AppointmentStatus| -> Vec<DateTime> {
        appointments
            .iter()
            .filter(|a| a.status == s)
            .map(|a| a.starts_at)
            .collect()
    };
    let done = when(AppointmentStatus::Done);
    let mut booked = when(AppointmentStatus::Booked);
    booked.extend(when(AppointmentStatus::CheckedIn));
    let held = u32::try_from(done.len() + booked.len()).unwrap_or(u32::MAX);
    ctx.audit
        .record_read(ctx.ok(actor, AuditAction::SeriesRead, Some(client_id), ""))
        .await?;
    Ok(SeriesView {
        planned_sessions: planned,
        missing: planned.saturating_sub(held),
        done,
        booked,
        missed: when(AppointmentStatus::NoShow),
        cancelled: when(AppointmentStatus::Cancelled),
        appointments,
    })
}
