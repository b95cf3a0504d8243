//! The appointment book: booking a session from a plan, proposing a whole series, the calendar,
//! rescheduling, cancelling and no-shows.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time};
use needlepoint_domain::schedule::{Busy, OpeningHours, Proposal, SeriesRequest, Slot, propose};
use needlepoint_store::{
    Appointment, AppointmentChange, AppointmentFilter, AppointmentStatus, Client, Device, IntakeRecord,
    NewAppointment, Room, User,
};
use serde::{Deserialize, Serialize};

use super::stored_plan::StoredPlan;
use super::{Problems, new_id, resources};
use crate::auth::CurrentUser;
use crate::auth::session::now_text;
use crate::error::AppError;
use crate::state::AppState;

/// No session is longer than this, so a booking can only clash with bookings that start within
/// this long before it: the clash search stays an index range.
const LONGEST_SESSION_HOURS: i64 = 12;
/// How far ahead the proposer looks for busy slots.
const PROPOSAL_HORIZON_DAYS: i64 = 400;

pub(crate) fn time_text(time: DateTime) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

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

fn clash_window_start(start: DateTime) -> String {
    time_text(
        start
            .checked_sub(LONGEST_SESSION_HOURS.hours())
            .unwrap_or(DateTime::MIN),
    )
}

/// Everything a booking refers to, loaded and checked.
struct Parties {
    client: Client,
    intake: IntakeRecord,
    plan: StoredPlan,
    practitioner: User,
    room: Room,
    device: Device,
    licence_max: Option<u32>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
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

#[derive(Serialize, utoipa::ToSchema)]
pub struct Booked {
    #[schema(value_type = Object)]
    pub appointment: Appointment,
    /// Things to know that do not stop the booking (device service due, depth above the licence).
    pub warnings: Vec<String>,
}

async fn parties(
    state: &AppState,
    problems: &mut Problems,
    client_id: &Option<String>,
    intake_id: &Option<String>,
    practitioner_id: &Option<String>,
    room_id: &Option<String>,
    device_id: &Option<String>,
) -> Result<Option<Parties>, AppError> {
    let store = &state.store;
    let client = match client_id.as_deref() {
        None => {
            problems.add("client_id", "required");
            None
        }
        Some(id) => match store.client(id).await? {
            None => {
                problems.add("client_id", "no such client");
                None
            }
            Some(c) if c.archived => {
                problems.add("client_id", "the client is archived; restore the record first");
                None
            }
            Some(c) => Some(c),
        },
    };
    let intake = match &client {
        None => None,
        Some(client) => {
            let found = match intake_id.as_deref() {
                Some(id) => store.intake(id).await?.filter(|i| i.client_id == client.id),
                None => store
                    .intakes_for_client(&client.id)
                    .await?
                    .into_iter()
                    .max_by_key(|i| i.number),
            };
            if found.is_none() {
                problems.add(
                    "intake_id",
                    if intake_id.is_some() {
                        "no such intake for this client"
                    } else {
                        "the client has no intake yet: take one so there is a plan to book"
                    },
                );
            }
            found
        }
    };
    let practitioner = match practitioner_id.as_deref() {
        None => {
            problems.add("practitioner_id", "required");
            None
        }
        Some(id) => match store.user_by_id(id).await? {
            Some(u) if u.role.is_clinical() => Some(u),
            Some(_) => {
                problems.add("practitioner_id", "front-desk users do not treat clients");
                None
            }
            None => {
                problems.add("practitioner_id", "no such user");
                None
            }
        },
    };
    let licence_max = match &practitioner {
        Some(p) => match store.licence(&p.id).await? {
            Some(licence) => Some(licence.max_depth_hundredths),
            None => {
                problems.add(
                    "practitioner_id",
                    format!(
                        "{} has no licence on record: the owner records it before they are booked",
                        p.email
                    ),
                );
                None
            }
        },
        None => None,
    };
    let room = match room_id.as_deref() {
        None => {
            problems.add("room_id", "required");
            None
        }
        Some(id) => {
            let found = store.rooms().await?.into_iter().find(|r| r.id == id);
            if found.is_none() {
                problems.add("room_id", "no such room");
            }
            found
        }
    };
    let device = match device_id.as_deref() {
        None => {
            problems.add("device_id", "required");
            None
        }
        Some(id) => {
            let found = store.devices().await?.into_iter().find(|d| d.id == id);
            if found.is_none() {
                problems.add("device_id", "no such device");
            }
            found
        }
    };
    let (Some(client), Some(intake), Some(practitioner), Some(room), Some(device)) =
        (client, intake, practitioner, room, device)
    else {
        return Ok(None);
    };
    let overrides = store.depth_overrides(&intake.id).await?;
    let plan = StoredPlan::read(&intake, &overrides)?;
    if matches!(plan.decision.as_str(), "not_candidate" | "refer") {
        problems.add(
            "intake_id",
            format!(
                "the screening's decision is {}: no session can be booked on it",
                plan.decision
            ),
        );
    }
    Ok(Some(Parties {
        client,
        intake,
        plan,
        practitioner,
        room,
        device,
        licence_max,
    }))
}

fn warnings_for(parties: &Parties, day: Date, zones: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(due) = parties
        .device
        .service_due_on
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok())
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
async fn held_sessions(state: &AppState, client_id: &str) -> Result<Vec<Appointment>, AppError> {
    Ok(state
        .store
        .appointments(&AppointmentFilter {
            client_id: Some(client_id.to_string()),
            from: "0000".into(),
            to: "9999".into(),
            ..Default::default()
        })
        .await?
        .into_iter()
        .filter(|a| a.status.holds_resources())
        .collect())
}

pub(crate) fn date_of(text: &str) -> Option<Date> {
    text.get(..10)?.parse().ok()
}

/// The nearest held session on any of `zones` (before or after `day`) that lies closer than the
/// minimum interval, if one does.
fn too_close(
    held: &[Appointment],
    own_id: Option<&str>,
    zones: &[String],
    day: Date,
    min_days: u32,
) -> Option<(Date, i32)> {
    held.iter()
        .filter(|a| Some(a.id.as_str()) != own_id && a.zones.iter().any(|z| zones.contains(z)))
        .filter_map(|a| {
            let other = date_of(&a.starts_at)?;
            let gap = other.until(day).ok()?.get_days().abs();
            (gap < i32::try_from(min_days).unwrap_or(i32::MAX)).then_some((other, gap))
        })
        .min_by_key(|(_, gap)| *gap)
}

pub async fn book(state: &AppState, user: &CurrentUser, input: &BookingInput) -> Result<Booked, AppError> {
    let mut problems = Problems::default();
    let start = parse_time(&mut problems, "starts_at", &input.starts_at);
    let parties = parties(
        state,
        &mut problems,
        &input.client_id,
        &input.intake_id,
        &input.practitioner_id,
        &input.room_id,
        &input.device_id,
    )
    .await?;
    let (Some(start), Some(parties)) = (start, parties) else {
        problems.finish()?;
        return Err(AppError::field("body", "incomplete booking"));
    };
    let planned: Vec<String> = parties.plan.zones.iter().map(|(z, _)| z.clone()).collect();
    let zones = input.zones.clone().unwrap_or_else(|| planned.clone());
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
    let minutes = parties.plan.total_minutes;
    let slot =
        Slot::new(start, minutes).ok_or_else(|| AppError::field("starts_at", "too far in the future"))?;
    let hours = resources::opening_hours(state).await?;
    if !hours.contains(&slot) {
        problems.add(
            "starts_at",
            format!(
                "{}–{} ({minutes} minutes, from the plan's session timeline) is not inside the clinic's opening hours",
                time_text(slot.start),
                slot.end.strftime("%H:%M")
            ),
        );
    }
    if let Some(until) = parties.plan.defer_until
        && start.date() < until
    {
        problems.add(
            "starts_at",
            format!("the screening defers treatment until {until}"),
        );
    }
    let held = held_sessions(state, &parties.client.id).await?;
    let min_days = parties.plan.min_interval_for(&zones);
    let early_reason = input
        .early_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some((other, gap)) = too_close(&held, None, &zones, start.date(), min_days)
        && early_reason.is_none()
    {
        problems.add(
            "early_reason",
            format!(
                "this is {gap} days from the session on {other} on the same zones; the plan's minimum is {min_days} days. Give a reason to book it anyway"
            ),
        );
    }
    problems.finish()?;
    let warnings = warnings_for(&parties, start.date(), &zones);
    let id = new_id();
    let audit = user.audit_entry(
        "appointment.book",
        "ok",
        Some(&parties.client.id),
        format!("appointment={id} early={}", early_reason.is_some()),
    );
    let appointment = state
        .store
        .book(
            NewAppointment {
                id,
                client_id: parties.client.id.clone(),
                intake_id: parties.intake.id.clone(),
                practitioner_id: parties.practitioner.id.clone(),
                room_id: parties.room.id.clone(),
                device_id: parties.device.id.clone(),
                starts_at: time_text(slot.start),
                ends_at: time_text(slot.end),
                clash_window_start: clash_window_start(slot.start),
                zones,
                early_reason: early_reason.map(str::to_string),
                created_by: user.user.id.clone(),
                created_at: now_text(),
            },
            audit,
        )
        .await?;
    Ok(Booked {
        appointment,
        warnings,
    })
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposalInput {
    pub intake_id: Option<String>,
    pub practitioner_id: Option<String>,
    pub room_id: Option<String>,
    pub device_id: Option<String>,
    /// The first day to consider, `YYYY-MM-DD`: today when left out (never before a deferral ends).
    pub from: Option<String>,
    /// The time of day the client prefers, `HH:MM`; 10:00 when left out.
    pub preferred_time: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProposedSession {
    pub number: u32,
    pub starts_at: String,
    pub ends_at: String,
    pub gap_days: Option<i32>,
    pub zones: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SeriesProposal {
    pub intake_id: String,
    pub minutes: u32,
    pub proposals: Vec<ProposedSession>,
}

/// What holds the practitioner, the room or the device over the proposal horizon.
async fn busy_slots(state: &AppState, parties: &Parties, from: Date) -> Result<Vec<Busy>, AppError> {
    let to = from
        .checked_add(PROPOSAL_HORIZON_DAYS.days())
        .unwrap_or(Date::MAX);
    let window = |filter: AppointmentFilter| AppointmentFilter {
        from: time_text(
            from.to_datetime(Time::midnight())
                .checked_sub(LONGEST_SESSION_HOURS.hours())
                .unwrap_or(DateTime::MIN),
        ),
        to: time_text(to.to_datetime(Time::midnight())),
        ..filter
    };
    let mut busy = Vec::new();
    let by = |set: fn(&mut AppointmentFilter, String), id: &str| {
        let mut filter = AppointmentFilter::default();
        set(&mut filter, id.to_string());
        filter
    };
    for (filter, what) in [
        (
            by(|f, id| f.practitioner_id = Some(id), &parties.practitioner.id),
            "the practitioner",
        ),
        (by(|f, id| f.room_id = Some(id), &parties.room.id), "the room"),
        (
            by(|f, id| f.device_id = Some(id), &parties.device.id),
            "the device",
        ),
    ] {
        for a in state.store.appointments(&window(filter)).await? {
            if !a.status.holds_resources() {
                continue;
            }
            if let (Ok(start), Ok(end)) = (a.starts_at.parse::<DateTime>(), a.ends_at.parse::<DateTime>()) {
                busy.push(Busy {
                    slot: Slot { start, end },
                    what: what.to_string(),
                });
            }
        }
    }
    Ok(busy)
}

pub async fn propose_series(
    state: &AppState,
    client_id: &str,
    input: &ProposalInput,
    today: Date,
) -> Result<SeriesProposal, AppError> {
    let mut problems = Problems::default();
    let from = match input.from.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => today,
        Some(text) => text.parse::<Date>().unwrap_or_else(|_| {
            problems.add("from", "expected a date as YYYY-MM-DD");
            today
        }),
    };
    let preferred = match input
        .preferred_time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => Time::constant(10, 0, 0, 0),
        Some(text) => text.parse::<Time>().unwrap_or_else(|_| {
            problems.add("preferred_time", "expected a time as HH:MM");
            Time::constant(10, 0, 0, 0)
        }),
    };
    let parties = parties(
        state,
        &mut problems,
        &Some(client_id.to_string()),
        &input.intake_id,
        &input.practitioner_id,
        &input.room_id,
        &input.device_id,
    )
    .await?;
    problems.finish()?;
    let parties = parties.ok_or(AppError::NotFound)?;
    let earliest = [Some(from), Some(parties.plan.starts_on), parties.plan.defer_until]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(from);
    let hours: OpeningHours = resources::opening_hours(state).await?;
    let held = held_sessions(state, &parties.client.id).await?;
    let mut busy = busy_slots(state, &parties, earliest).await?;
    // The client's own sessions are busy too; they are already read.
    busy.extend(held.iter().filter_map(|a| {
        let (start, end) = (
            a.starts_at.parse::<DateTime>().ok()?,
            a.ends_at.parse::<DateTime>().ok()?,
        );
        Some(Busy {
            slot: Slot { start, end },
            what: "the client".into(),
        })
    }));
    let mut proposals = Vec::new();
    for track in &parties.plan.tracks {
        let done_or_booked: Vec<&Appointment> = held
            .iter()
            .filter(|a| a.zones.iter().any(|z| track.zones.contains(z)))
            .collect();
        let remaining = track
            .sessions
            .saturating_sub(u32::try_from(done_or_booked.len()).unwrap_or(u32::MAX));
        if remaining == 0 {
            continue;
        }
        let after = done_or_booked.iter().filter_map(|a| date_of(&a.starts_at)).max();
        let mut busy_now = busy.clone();
        busy_now.extend(proposals.iter().map(|p: &(Proposal, Vec<String>)| Busy {
            slot: p.0.slot,
            what: "another proposal".into(),
        }));
        let request = SeriesRequest {
            sessions: remaining,
            interval: track.interval,
            after,
            earliest,
            minutes: parties.plan.total_minutes,
            preferred_time: preferred,
            hours: &hours,
            busy: &busy_now,
        };
        let found = propose(&request).map_err(|e| AppError::Conflict {
            message: e.to_string(),
        })?;
        proposals.extend(found.into_iter().map(|p| (p, track.zones.clone())));
    }
    proposals.sort_by_key(|(p, _)| p.slot.start);
    Ok(SeriesProposal {
        intake_id: parties.intake.id.clone(),
        minutes: parties.plan.total_minutes,
        proposals: proposals
            .into_iter()
            .enumerate()
            .map(|(i, (p, zones))| ProposedSession {
                number: u32::try_from(i + 1).unwrap_or(u32::MAX),
                starts_at: time_text(p.slot.start),
                ends_at: time_text(p.slot.end),
                gap_days: p.gap_days,
                zones,
            })
            .collect(),
    })
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
pub struct CalendarQuery {
    pub practitioner_id: Option<String>,
    pub room_id: Option<String>,
    /// The first day, `YYYY-MM-DD`; today when left out.
    pub from: Option<String>,
    /// 1 for a day, 7 for a week.
    pub days: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarEntry {
    #[schema(value_type = Object)]
    pub appointment: Appointment,
    pub client_name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Calendar {
    pub from: String,
    pub days: u32,
    pub entries: Vec<CalendarEntry>,
}

pub async fn calendar(state: &AppState, query: &CalendarQuery, today: Date) -> Result<Calendar, AppError> {
    let from = match query.from.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => today,
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
    let appointments = state
        .store
        .appointments(&AppointmentFilter {
            practitioner_id: query.practitioner_id.clone().filter(|s| !s.is_empty()),
            room_id: query.room_id.clone().filter(|s| !s.is_empty()),
            from: from.to_string(),
            to: to.to_string(),
            ..Default::default()
        })
        .await?;
    let mut entries = Vec::with_capacity(appointments.len());
    for appointment in appointments {
        let client_name = match state.store.client(&appointment.client_id).await? {
            Some(c) => format!("{} {}", c.fields.given_name, c.fields.family_name),
            None => "?".into(),
        };
        entries.push(CalendarEntry {
            appointment,
            client_name,
        });
    }
    Ok(Calendar {
        from: from.to_string(),
        days,
        entries,
    })
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct StatusInput {
    /// The appointment's version, as last read.
    pub version: Option<i64>,
    /// Required for a cancellation; optional for a no-show.
    pub reason: Option<String>,
}

pub async fn set_status(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    status: AppointmentStatus,
    input: &StatusInput,
) -> Result<Appointment, AppError> {
    let current = state.store.appointment(id).await?.ok_or(AppError::NotFound)?;
    let mut problems = Problems::default();
    let version = input.version.unwrap_or_else(|| {
        problems.add("version", "required: the version you last read");
        0
    });
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
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
    let audit = user.audit_entry(
        &format!("appointment.{}", status.name()),
        "ok",
        Some(&current.client_id),
        format!("appointment={id}"),
    );
    Ok(state
        .store
        .change_appointment(
            AppointmentChange {
                id: id.to_string(),
                expected_version: version,
                status,
                reason: reason.map(str::to_string),
                new_time: None,
                new_intake_id: None,
                updated_at: now_text(),
            },
            audit,
        )
        .await?)
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RescheduleInput {
    pub version: Option<i64>,
    /// The new start, the clinic's local time `YYYY-MM-DDTHH:MM`.
    pub starts_at: Option<String>,
    pub reason: Option<String>,
    /// Why the new time is sooner than the minimum interval, when it is.
    pub early_reason: Option<String>,
}

pub async fn reschedule(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    input: &RescheduleInput,
) -> Result<Appointment, AppError> {
    let current = state.store.appointment(id).await?.ok_or(AppError::NotFound)?;
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
    let (Ok(old_start), Ok(old_end)) = (
        current.starts_at.parse::<DateTime>(),
        current.ends_at.parse::<DateTime>(),
    ) else {
        return Err(AppError::Internal(format!("stored times of appointment {id}")));
    };
    let length = Slot {
        start: old_start,
        end: old_end,
    }
    .minutes();
    let slot = Slot::new(start, u32::try_from(length).unwrap_or(0))
        .ok_or_else(|| AppError::field("starts_at", "too far in the future"))?;
    let hours = resources::opening_hours(state).await?;
    let mut problems = Problems::default();
    if !hours.contains(&slot) {
        problems.add(
            "starts_at",
            "the new time is not inside the clinic's opening hours",
        );
    }
    let intake = state
        .store
        .intake(&current.intake_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let overrides = state.store.depth_overrides(&intake.id).await?;
    let plan = StoredPlan::read(&intake, &overrides)?;
    let min_days = plan.min_interval_for(&current.zones);
    let held = held_sessions(state, &current.client_id).await?;
    let early = input
        .early_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some((other, gap)) = too_close(&held, Some(id), &current.zones, start.date(), min_days)
        && early.is_none()
    {
        problems.add(
            "early_reason",
            format!("the new time is {gap} days from the session on {other}; the plan's minimum is {min_days} days. Give a reason to move it anyway"),
        );
    }
    problems.finish()?;
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let audit = user.audit_entry(
        "appointment.reschedule",
        "ok",
        Some(&current.client_id),
        format!(
            "appointment={id} from={} to={}",
            current.starts_at,
            time_text(slot.start)
        ),
    );
    Ok(state
        .store
        .change_appointment(
            AppointmentChange {
                id: id.to_string(),
                expected_version: version,
                status: AppointmentStatus::Booked,
                reason: reason.or_else(|| early.map(str::to_string)),
                new_time: Some((
                    time_text(slot.start),
                    time_text(slot.end),
                    clash_window_start(slot.start),
                )),
                new_intake_id: None,
                updated_at: now_text(),
            },
            audit,
        )
        .await?)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SeriesView {
    pub planned_sessions: u32,
    pub done: Vec<String>,
    pub booked: Vec<String>,
    pub missed: Vec<String>,
    pub cancelled: Vec<String>,
    /// Sessions of the series not yet booked.
    pub missing: u32,
    #[schema(value_type = Vec<Object>)]
    pub appointments: Vec<Appointment>,
}

/// The series as it stands: what is done, booked, missed and still missing.
pub async fn series(state: &AppState, client_id: &str) -> Result<SeriesView, AppError> {
    state.store.client(client_id).await?.ok_or(AppError::NotFound)?;
    let latest = state
        .store
        .intakes_for_client(client_id)
        .await?
        .into_iter()
        .max_by_key(|i| i.number);
    let planned = match &latest {
        Some(intake) => StoredPlan::read(intake, &state.store.depth_overrides(&intake.id).await?)?.sessions,
        None => 0,
    };
    let appointments = state
        .store
        .appointments(&AppointmentFilter {
            client_id: Some(client_id.to_string()),
            from: "0000".into(),
            to: "9999".into(),
            ..Default::default()
        })
        .await?;
    let when = |s: AppointmentStatus| -> Vec<String> {
        appointments
            .iter()
            .filter(|a| a.status == s)
            .map(|a| a.starts_at.clone())
            .collect()
    };
    let done = when(AppointmentStatus::Done);
    let mut booked = when(AppointmentStatus::Booked);
    booked.extend(when(AppointmentStatus::CheckedIn));
    let held = u32::try_from(done.len() + booked.len()).unwrap_or(u32::MAX);
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
