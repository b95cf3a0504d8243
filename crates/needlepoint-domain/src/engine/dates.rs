//! Calendar arithmetic that cannot fail: intake dates are checked to lie far from the calendar's
//! ends, so saturating at the ends never changes a real answer.

use jiff::Span;
use jiff::civil::Date;

use crate::protocol::Wait;

pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Span::new().days(days))
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

pub fn add_wait(date: Date, wait: Wait) -> Date {
    match wait {
        Wait::Days(days) => add_days(date, i64::from(days)),
        Wait::Months(months) => date
            .checked_add(Span::new().months(i64::from(months)))
            .unwrap_or(Date::MAX),
    }
}
