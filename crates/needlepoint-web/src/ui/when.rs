//! Dates and times as the clinic reads them: in its own time zone, with the weekday, never a UTC
//! stamp. Form fields keep the machine formats browsers need.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// "Tue 1 Dec 2026".
pub fn day(date: Date) -> String {
    date.strftime("%a %-d %b %Y").to_string()
}

/// "Tue 1 Dec 2026, 09:30": a wall-clock time in the clinic.
pub fn wall(time: DateTime) -> String {
    time.strftime("%a %-d %b %Y, %H:%M").to_string()
}

/// An instant (a signature, a record's creation) in the clinic's time zone.
pub fn moment(at: Timestamp, zone: &TimeZone) -> String {
    wall(zone.to_datetime(at))
}

/// "09:30".
pub fn clock(time: DateTime) -> String {
    time.strftime("%H:%M").to_string()
}

/// The value of a `datetime-local` field.
pub fn field(time: Option<DateTime>) -> String {
    time.map(|t| t.strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_is_shown_in_the_clinic_zone_with_its_weekday() {
        let at: Timestamp = "2026-07-01T08:30:00Z".parse().unwrap();
        let london = TimeZone::get("Europe/London").unwrap();
        assert_eq!(moment(at, &london), "Wed 1 Jul 2026, 09:30");
        assert_eq!(day(jiff::civil::date(2026, 12, 1)), "Tue 1 Dec 2026");
        assert_eq!(field(None), "");
    }
}
