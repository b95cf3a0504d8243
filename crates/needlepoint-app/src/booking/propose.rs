//! A whole series proposed at once: each session inside its interval after the one before, inside
//! the opening hours, clear of what holds the practitioner, the room, the device or the client.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time};
use needlepoint_domain::schedule::{Busy, OpeningHours, Proposal, SeriesRequest, Slot, propose};
use needlepoint_store::{Appointment, AppointmentFilter, AuditAction, ClientId};
use serde::{Deserialize, Serialize};

use super::held_sessions;
use super::parties::{self, Named, Parties};
use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problems};

/// How far ahead the proposer looks for busy slots.
const PROPOSAL_HORIZON_DAYS: i64 = 400;
/// Bookings that started this long before a day can still run into it.
const LONGEST_SESSION_HOURS: i64 = 12;

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposedSession {
    pub number: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub starts_at: DateTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ends_at: DateTime,
    pub gap_days: Option<i32>,
    pub zones: Vec<String>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesProposal {
    pub intake_id: needlepoint_store::IntakeId,
    pub minutes: u32,
    pub proposals: Vec<ProposedSession>,
}

/// What holds the practitioner, the room or the device over the proposal horizon.
async fn busy_slots(ctx: &Context, parties: &Parties, from: Date) -> AppResult<Vec<Busy>> {
    let to = from
        .checked_add(PROPOSAL_HORIZON_DAYS.days())
        .unwrap_or(Date::MAX);
    let window = |filter: AppointmentFilter| AppointmentFilter {
        from: Some(
            from.to_datetime(Time::midnight())
                .checked_sub(LONGEST_SESSION_HOURS.hours())
                .unwrap_or(DateTime::MIN),
        ),
        to: Some(to.to_datetime(Time::midnight())),
        ..filter
    };
    let filters = [
        (
            AppointmentFilter {
                practitioner_id: Some(parties.practitioner.id.clone()),
                ..AppointmentFilter::default()
            },
            "the practitioner",
        ),
        (
            AppointmentFilter {
                room_id: Some(parties.room.id.clone()),
                ..AppointmentFilter::default()
            },
            "the room",
        ),
        (
            AppointmentFilter {
                device_id: Some(parties.device.id.clone()),
                ..AppointmentFilter::default()
            },
            "the device",
        ),
    ];
    let mut busy = Vec::new();
    for (filter, what) in filters {
        for a in ctx.store.appointments(&window(filter)).await? {
            if a.status.holds_resources() {
                busy.push(Busy {
                    slot: Slot {
                        start: a.starts_at,
                        end: a.ends_at,
                    },
                    what: what.to_string(),
                });
            }
        }
    }
    Ok(busy)
}

fn day_and_time(problems: &mut Problems, input: &ProposalInput, today: Date) -> (Date, Time) {
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let from = match text(&input.from) {
        None => today,
        Some(text) => text.parse::<Date>().unwrap_or_else(|_| {
            problems.add("from", "expected a date as YYYY-MM-DD");
            today
        }),
    };
    let preferred = match text(&input.preferred_time) {
        None => Time::constant(10, 0, 0, 0),
        Some(text) => text.parse::<Time>().unwrap_or_else(|_| {
            problems.add("preferred_time", "expected a time as HH:MM");
            Time::constant(10, 0, 0, 0)
        }),
    };
    (from, preferred)
}

pub async fn propose_series(
    ctx: &Context,
    actor: &Actor,
    client_id: &ClientId,
    input: &ProposalInput,
) -> AppResult<SeriesProposal> {
    ctx.authorize(actor, Action::ProposeSeries).await?;
    let mut problems = Problems::default();
    let (from, preferred) = day_and_time(&mut problems, input, ctx.today().await?);
    let client = client_id.as_str().to_string();
    let named = Named {
        client_id: Some(&client),
        intake_id: input.intake_id.as_deref(),
        practitioner_id: input.practitioner_id.as_deref(),
        room_id: input.room_id.as_deref(),
        device_id: input.device_id.as_deref(),
    };
    let parties = parties::load(ctx, &mut problems, &named).await?;
    problems.finish()?;
    let parties = parties.ok_or(AppError::NotFound)?;
    let plan = parties.plan.plan();
    let earliest = [
        Some(from),
        Some(plan.series.starts_on),
        plan.screening.defer_until,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(from);
    let hours: OpeningHours = crate::settings::opening_hours(ctx).await?;
    let held = held_sessions(ctx, &parties.client.id).await?;
    let mut busy = busy_slots(ctx, &parties, earliest).await?;
    // The client's own sessions are busy too; they are already read.
    busy.extend(held.iter().map(|a| Busy {
        slot: Slot {
            start: a.starts_at,
            end: a.ends_at,
        },
        what: "the client".into(),
    }));
    let proposals = propose_tracks(&parties, &held, &busy, &hours, (earliest, preferred))?;
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::SeriesPropose,
            Some(client_id),
            format!("proposals={}", proposals.len()),
        ))
        .await?;
    Ok(SeriesProposal {
        intake_id: parties.intake.id.clone(),
        minutes: plan.session.total_minutes,
        proposals,
    })
}

/// Each rhythm of the series in turn, every proposal busy for the ones after it.
fn propose_tracks(
    parties: &Parties,
    held: &[Appointment],
    busy: &[Busy],
    hours: &OpeningHours,
    (earliest, preferred): (Date, Time),
) -> AppResult<Vec<ProposedSession>> {
    let mut proposals: Vec<(Proposal, Vec<String>)> = Vec::new();
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
        let after = done_or_booked.iter().map(|a| a.starts_at.date()).max();
        let mut busy_now = busy.to_vec();
        busy_now.extend(proposals.iter().map(|p| Busy {
            slot: p.0.slot,
            what: "another proposal".into(),
        }));
        let request = SeriesRequest {
            sessions: remaining,
            interval: track.interval,
            after,
            earliest,
            minutes: parties.plan.plan().session.total_minutes,
            preferred_time: preferred,
            hours,
            busy: &busy_now,
        };
        let found = propose(&request).map_err(|e| AppError::Conflict {
            message: e.to_string(),
        })?;
        proposals.extend(found.into_iter().map(|p| (p, track.zones.clone())));
    }
    proposals.sort_by_key(|(p, _)| p.slot.start);
    Ok(proposals
        .into_iter()
        .enumerate()
        .map(|(i, (p, zones))| ProposedSession {
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            starts_at: p.slot.start,
            ends_at: p.slot.end,
            gap_days: p.gap_days,
            zones,
        })
        .collect())
}
