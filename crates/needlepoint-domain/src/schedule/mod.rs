//! The appointment book's rules: opening hours, clashes, and the series proposer.
//!
//! Times are the clinic's local wall-clock times (`jiff::civil::DateTime`): a booking at 09:00
//! means 09:00 on the clinic's clock, whatever the server's time zone.

mod hours;
mod proposer;

pub use hours::{Day, Opening, OpeningHours, OpeningHoursError};
pub use proposer::{Busy, Proposal, ProposalError, SeriesRequest, propose};

use jiff::civil::DateTime;
use jiff::{Span, ToSpan};
use serde::Serialize;

/// A stretch of time on the clinic's clock, start inclusive, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Slot {
    pub start: DateTime,
    pub end: DateTime,
}

impl Slot {
    /// A slot of `minutes` from `start`; `None` past the calendar's end.
    pub fn new(start: DateTime, minutes: u32) -> Option<Slot> {
        let end = start.checked_add(Span::new().minutes(i64::from(minutes))).ok()?;
        Some(Slot { start, end })
    }

    /// Whether two slots share any moment (touching ends do not clash).
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn minutes(&self) -> i64 {
        self.start
            .until(self.end)
            .and_then(|span| span.total(jiff::Unit::Minute))
            .map_or(0, |m| m as i64)
    }
}

/// Rounds a time up to the next multiple of `step_minutes` within its hour grid (09:07 → 09:15).
pub(crate) fn round_up(time: DateTime, step_minutes: i8) -> DateTime {
    let minute = time.minute();
    let rest = minute % step_minutes;
    let base = time.with().second(0).subsec_nanosecond(0).build().unwrap_or(time);
    if rest == 0 && time.second() == 0 && time.subsec_nanosecond() == 0 {
        return base;
    }
    base.checked_add(i64::from(step_minutes - rest).minutes())
        .unwrap_or(DateTime::MAX)
}
