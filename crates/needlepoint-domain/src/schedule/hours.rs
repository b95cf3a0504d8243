//! The clinic's opening hours: for each weekday, the stretches when appointments may run.

use jiff::civil::{Date, DateTime, Time, Weekday};
use serde::{Deserialize, Serialize};

use super::Slot;

/// A day of the week, as the clinic's settings name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Day {
    pub fn of(date: Date) -> Day {
        match date.weekday() {
            Weekday::Monday => Day::Monday,
            Weekday::Tuesday => Day::Tuesday,
            Weekday::Wednesday => Day::Wednesday,
            Weekday::Thursday => Day::Thursday,
            Weekday::Friday => Day::Friday,
            Weekday::Saturday => Day::Saturday,
            Weekday::Sunday => Day::Sunday,
        }
    }
}

/// One stretch of a day, e.g. 09:00–13:00. A day may have several (a lunch break between).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Opening {
    pub weekday: Day,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "09:00"))]
    pub opens: Time,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "17:30"))]
    pub closes: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct OpeningHours {
    openings: Vec<Opening>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpeningHoursError {
    #[error("opening {index}: closes at {closes} but opens at {opens}; closing must come after opening")]
    ClosesBeforeOpening { index: usize, opens: Time, closes: Time },
    #[error("openings {first} and {second} overlap on {weekday:?}")]
    Overlap {
        first: usize,
        second: usize,
        weekday: Day,
    },
    #[error("no opening hours at all: nothing could ever be booked")]
    Empty,
}

impl OpeningHours {
    pub fn new(openings: Vec<Opening>) -> Result<OpeningHours, OpeningHoursError> {
        if openings.is_empty() {
            return Err(OpeningHoursError::Empty);
        }
        for (index, o) in openings.iter().enumerate() {
            if o.closes <= o.opens {
                return Err(OpeningHoursError::ClosesBeforeOpening {
                    index,
                    opens: o.opens,
                    closes: o.closes,
                });
            }
        }
        for (first, a) in openings.iter().enumerate() {
            for (second, b) in openings.iter().enumerate().skip(first + 1) {
                if a.weekday == b.weekday && a.opens < b.closes && b.opens < a.closes {
                    return Err(OpeningHoursError::Overlap {
                        first,
                        second,
                        weekday: a.weekday,
                    });
                }
            }
        }
        Ok(OpeningHours { openings })
    }

    /// Monday to Friday 09:00–18:00 and Saturday 09:00–13:00: the default until the owner sets
    /// the clinic's own.
    pub fn weekdays_and_saturday_morning() -> OpeningHours {
        let at = |h| Time::constant(h, 0, 0, 0);
        let mut openings: Vec<Opening> = [
            Day::Monday,
            Day::Tuesday,
            Day::Wednesday,
            Day::Thursday,
            Day::Friday,
        ]
        .into_iter()
        .map(|weekday| Opening {
            weekday,
            opens: at(9),
            closes: at(18),
        })
        .collect();
        openings.push(Opening {
            weekday: Day::Saturday,
            opens: at(9),
            closes: at(13),
        });
        OpeningHours { openings }
    }

    pub fn openings(&self) -> &[Opening] {
        &self.openings
    }

    /// The open stretches of one date, in order.
    pub fn on(&self, date: Date) -> Vec<Slot> {
        let mut slots: Vec<Slot> = self
            .openings
            .iter()
            .filter(|o| o.weekday == Day::of(date))
            .map(|o| Slot {
                start: date.to_datetime(o.opens),
                end: date.to_datetime(o.closes),
            })
            .collect();
        slots.sort();
        slots
    }

    /// Whether the whole slot lies inside one opening.
    pub fn contains(&self, slot: &Slot) -> bool {
        self.on(slot.start.date())
            .iter()
            .any(|open| open.start <= slot.start && slot.end <= open.end)
    }

    /// The opening a time falls in, if any.
    pub fn opening_at(&self, time: DateTime) -> Option<Slot> {
        self.on(time.date())
            .into_iter()
            .find(|open| open.start <= time && time < open.end)
    }
}
