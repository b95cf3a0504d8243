//! Proposes every session of a series at once.
//!
//! Each session lands between the interval's minimum and maximum after the one before (the last
//! session already done or booked on the same zones counts), as close as it can to the planned
//! interval, inside the clinic's opening hours and clear of every busy slot of the practitioner,
//! the room and the device. When a session cannot fit in its window the proposer says which one
//! and between which dates, rather than stretching the interval past its maximum.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time};
use serde::Serialize;

use super::{OpeningHours, Slot, round_up};
use crate::engine::dates::add_days;
use crate::plan::PlannedInterval;

/// Starts are offered on a quarter-hour grid.
const STEP_MINUTES: i8 = 15;

/// A slot that is taken, and by what (for the message when nothing fits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Busy {
    pub slot: Slot,
    pub what: String,
}

pub struct SeriesRequest<'a> {
    /// How many sessions to propose.
    pub sessions: u32,
    pub interval: PlannedInterval,
    /// The last session on these zones, done or booked: the first proposal keeps the interval from it.
    pub after: Option<Date>,
    /// No proposal before this date (today, or the end of a deferral).
    pub earliest: Date,
    /// The booking's length, from the plan's session timeline.
    pub minutes: u32,
    /// The time of day the client prefers; the nearest free start to it wins.
    pub preferred_time: Time,
    pub hours: &'a OpeningHours,
    pub busy: &'a [Busy],
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// 1 for the first proposed session.
    pub number: u32,
    pub slot: Slot,
    /// Days since the session before it, when there is one.
    pub gap_days: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    #[error(
        "session {session} of the series cannot fit: no free {minutes}-minute slot inside opening hours between {from} and {to}"
    )]
    NoFit {
        session: u32,
        minutes: u32,
        from: Date,
        to: Date,
    },
    #[error("a {minutes}-minute session is longer than any opening of the clinic's day")]
    LongerThanAnyOpening { minutes: u32 },
}

pub fn propose(request: &SeriesRequest<'_>) -> Result<Vec<Proposal>, ProposalError> {
    let longest = request.hours.openings().iter().map(|o| {
        o.opens
            .until(o.closes)
            .and_then(|s| s.total(jiff::Unit::Minute))
            .unwrap_or(0.0)
    });
    if longest.fold(0.0_f64, f64::max) < f64::from(request.minutes) {
        return Err(ProposalError::LongerThanAnyOpening {
            minutes: request.minutes,
        });
    }
    let interval = request.interval;
    let mut proposals: Vec<Proposal> = Vec::new();
    let mut previous = request.after;
    for number in 1..=request.sessions {
        // A last session so long ago that the maximum has already passed: the series resumes.
        let lapsed = previous.is_some_and(|p| add_days(p, i64::from(interval.max)) < request.earliest);
        let (from, target, to) = match previous.filter(|_| !lapsed) {
            Some(p) => (
                add_days(p, i64::from(interval.min)).max(request.earliest),
                add_days(p, i64::from(interval.planned)).max(request.earliest),
                add_days(p, i64::from(interval.max)),
            ),
            // With nothing before it, the first session may go anywhere in one interval's stretch.
            None => (
                request.earliest,
                request.earliest,
                add_days(request.earliest, i64::from(interval.max.max(interval.min))),
            ),
        };
        let taken: Vec<Slot> = proposals.iter().map(|p| p.slot).collect();
        let found = days_nearest_first(from, target, to)
            .find_map(|day| first_free_start(request, day, &taken))
            .ok_or(ProposalError::NoFit {
                session: number,
                minutes: request.minutes,
                from,
                to,
            })?;
        let gap_days = previous
            .and_then(|p| p.until(found.start.date()).ok())
            .map(|s| s.get_days());
        previous = Some(found.start.date());
        proposals.push(Proposal {
            number,
            slot: found,
            gap_days,
        });
    }
    Ok(proposals)
}

/// The target day, then later days up to `to`, then earlier days back to `from`: the planned
/// interval first, lengthening before shortening.
fn days_nearest_first(from: Date, target: Date, to: Date) -> impl Iterator<Item = Date> {
    let later = std::iter::successors(Some(target), move |d| Some(add_days(*d, 1)).filter(|n| *n <= to));
    let earlier = std::iter::successors(Some(add_days(target, -1)), move |d| {
        Some(add_days(*d, -1)).filter(|n| *n >= from)
    })
    .filter(move |d| *d >= from);
    later.filter(move |d| *d >= from && *d <= to).chain(earlier)
}

/// The free start on `day` nearest the preferred time (later first), on the quarter-hour grid.
fn first_free_start(request: &SeriesRequest<'_>, day: Date, taken: &[Slot]) -> Option<Slot> {
    let preferred = day.to_datetime(request.preferred_time);
    let mut starts: Vec<DateTime> = Vec::new();
    for open in request.hours.on(day) {
        let mut start = round_up(open.start, STEP_MINUTES);
        while start < open.end {
            starts.push(start);
            start = match start.checked_add(i64::from(STEP_MINUTES).minutes()) {
                Ok(next) => next,
                Err(_) => break,
            };
        }
    }
    starts.sort_by_key(|s| {
        (
            *s < preferred,
            if *s < preferred { preferred } else { *s },
            std::cmp::Reverse(*s),
        )
    });
    starts.into_iter().find_map(|start| {
        let slot = Slot::new(start, request.minutes)?;
        let free = request.hours.contains(&slot)
            && !request.busy.iter().any(|b| b.slot.overlaps(&slot))
            && !taken.iter().any(|t| t.overlaps(&slot));
        free.then_some(slot)
    })
}
