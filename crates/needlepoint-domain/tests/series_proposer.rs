//! The series proposer: examples, and properties over arbitrary calendars. No proposal comes
//! closer than the minimum interval, goes past the maximum, leaves the opening hours or lands on
//! a busy slot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

use jiff::ToSpan;
use jiff::civil::{Date, Time, date, time};
use needlepoint_domain::plan::PlannedInterval;
use needlepoint_domain::schedule::{
    Busy, Day, Opening, OpeningHours, ProposalError, SeriesRequest, Slot, propose,
};
use proptest::prelude::*;

fn monthly() -> PlannedInterval {
    PlannedInterval {
        min: 28,
        max: 42,
        planned: 28,
    }
}

fn request<'a>(hours: &'a OpeningHours, busy: &'a [Busy]) -> SeriesRequest<'a> {
    SeriesRequest {
        sessions: 4,
        interval: monthly(),
        after: None,
        earliest: date(2026, 12, 1),
        minutes: 85,
        preferred_time: time(10, 0, 0, 0),
        hours,
        busy,
    }
}

#[test]
fn a_free_calendar_gets_the_planned_interval_at_the_preferred_time() {
    let hours = OpeningHours::weekdays_and_saturday_morning();
    let proposals = propose(&request(&hours, &[])).unwrap();
    let starts: Vec<String> = proposals.iter().map(|p| p.slot.start.to_string()).collect();
    // 2026-12-01 is a Tuesday; four weeks on is always the same weekday.
    assert_eq!(
        starts,
        [
            "2026-12-01T10:00:00",
            "2026-12-29T10:00:00",
            "2027-01-26T10:00:00",
            "2027-02-23T10:00:00"
        ]
    );
    assert_eq!(proposals[1].gap_days, Some(28));
    assert_eq!(proposals[0].gap_days, None);
}

#[test]
fn a_busy_morning_moves_the_session_to_the_nearest_free_start() {
    let hours = OpeningHours::weekdays_and_saturday_morning();
    let busy = [Busy {
        slot: Slot::new(date(2026, 12, 1).at(9, 30, 0, 0), 120).unwrap(),
        what: "Dana (practitioner)".into(),
    }];
    let first = &propose(&request(&hours, &busy)).unwrap()[0];
    assert_eq!(first.slot.start, date(2026, 12, 1).at(11, 30, 0, 0));
}

#[test]
fn a_sunday_target_moves_to_a_later_open_day_before_an_earlier_one() {
    let hours = OpeningHours::weekdays_and_saturday_morning();
    let mut req = request(&hours, &[]);
    req.earliest = date(2026, 12, 6); // a Sunday
    req.sessions = 1;
    let first = &propose(&req).unwrap()[0];
    assert_eq!(first.slot.start.date(), date(2026, 12, 7));
}

#[test]
fn the_interval_counts_from_the_last_session_already_done() {
    let hours = OpeningHours::weekdays_and_saturday_morning();
    let mut req = request(&hours, &[]);
    req.after = Some(date(2026, 11, 20));
    let first = &propose(&req).unwrap()[0];
    assert_eq!(first.slot.start.date(), date(2026, 12, 18));
    assert_eq!(first.gap_days, Some(28));
}

#[test]
fn a_longer_interval_for_darker_skin_is_kept() {
    // The engine lengthens 28–42 days to 42–56 for Fitzpatrick IV–VI; the proposer keeps it.
    let hours = OpeningHours::weekdays_and_saturday_morning();
    let mut req = request(&hours, &[]);
    req.interval = PlannedInterval {
        min: 42,
        max: 56,
        planned: 42,
    };
    let proposals = propose(&req).unwrap();
    assert!(
        proposals.iter().skip(1).all(|p| p.gap_days.unwrap() >= 42),
        "{proposals:?}"
    );
}

#[test]
fn a_series_that_cannot_fit_names_the_session_and_its_window() {
    let hours = OpeningHours::weekdays_and_saturday_morning();
    // The practitioner is away for ten weeks from the second session's window.
    let busy = [Busy {
        slot: Slot {
            start: date(2026, 12, 20).at(0, 0, 0, 0),
            end: date(2027, 3, 1).at(0, 0, 0, 0),
        },
        what: "leave".into(),
    }];
    let error = propose(&request(&hours, &busy)).unwrap_err();
    assert_eq!(
        error,
        ProposalError::NoFit {
            session: 2,
            minutes: 85,
            from: date(2026, 12, 29),
            to: date(2027, 1, 12)
        }
    );
    assert!(error.to_string().contains("session 2"), "{error}");
}

#[test]
fn a_session_longer_than_any_opening_is_refused() {
    let at = |h| Time::constant(h, 0, 0, 0);
    let hours = OpeningHours::new(vec![Opening {
        weekday: Day::Monday,
        opens: at(9),
        closes: at(10),
    }])
    .unwrap();
    let error = propose(&request(&hours, &[])).unwrap_err();
    assert_eq!(error, ProposalError::LongerThanAnyOpening { minutes: 85 });
}

#[test]
fn opening_hours_that_close_before_they_open_are_refused() {
    let at = |h| Time::constant(h, 0, 0, 0);
    let bad = OpeningHours::new(vec![Opening {
        weekday: Day::Monday,
        opens: at(17),
        closes: at(9),
    }]);
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("closing must come after opening")
    );
}

fn arb_hours() -> impl Strategy<Value = OpeningHours> {
    let days = [
        Day::Monday,
        Day::Tuesday,
        Day::Wednesday,
        Day::Thursday,
        Day::Friday,
        Day::Saturday,
        Day::Sunday,
    ];
    proptest::collection::vec((0usize..7, 6i8..12, 2i8..10), 1..7).prop_map(move |spec| {
        let mut openings: Vec<Opening> = Vec::new();
        for (day, opens, length) in spec {
            let weekday = days[day];
            if openings.iter().any(|o| o.weekday == weekday) {
                continue;
            }
            openings.push(Opening {
                weekday,
                opens: Time::constant(0, 0, 0, 0).with().hour(opens).build().unwrap(),
                closes: Time::constant(0, 0, 0, 0)
                    .with()
                    .hour(opens + length)
                    .build()
                    .unwrap(),
            });
        }
        OpeningHours::new(openings).unwrap()
    })
}

fn arb_busy(start: Date) -> impl Strategy<Value = Vec<Busy>> {
    proptest::collection::vec((0i64..200, 0i64..(24 * 4), 1u32..600), 0..60).prop_map(move |spec| {
        spec.into_iter()
            .map(|(day, quarter, minutes)| Busy {
                slot: Slot::new(
                    start
                        .checked_add(day.days())
                        .unwrap()
                        .at(0, 0, 0, 0)
                        .checked_add((quarter * 15).minutes())
                        .unwrap(),
                    minutes,
                )
                .unwrap(),
                what: "taken".into(),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn proposals_respect_intervals_hours_and_busy_slots(
        hours in arb_hours(),
        busy in arb_busy(date(2026, 12, 1)),
        min in 7u32..60,
        spread in 0u32..30,
        sessions in 1u32..7,
        minutes in 15u32..120,
        after_days in proptest::option::of(1i64..90),
        preferred_hour in 6i8..20,
    ) {
        let earliest = date(2026, 12, 1);
        let interval = PlannedInterval { min, max: min + spread, planned: min };
        let after = after_days.map(|d| earliest.checked_sub(d.days()).unwrap());
        let req = SeriesRequest {
            sessions,
            interval,
            after,
            earliest,
            minutes,
            preferred_time: Time::constant(0, 0, 0, 0).with().hour(preferred_hour).build().unwrap(),
            hours: &hours,
            busy: &busy,
        };
        match propose(&req) {
            Ok(proposals) => {
                prop_assert_eq!(proposals.len() as u32, sessions);
                let mut previous = after;
                for (i, p) in proposals.iter().enumerate() {
                    prop_assert!(hours.contains(&p.slot), "outside opening hours: {:?}", p);
                    prop_assert!(!busy.iter().any(|b| b.slot.overlaps(&p.slot)), "on a busy slot: {:?}", p);
                    prop_assert!(p.slot.start.date() >= earliest);
                    prop_assert_eq!(p.slot.minutes(), i64::from(minutes));
                    if let Some(prev) = previous {
                        let gap = i64::from(prev.until(p.slot.start.date()).unwrap().get_days());
                        prop_assert!(gap >= i64::from(min), "gap {} below the minimum {}", gap, min);
                        // After a lapsed series the first session restarts the rhythm.
                        let lapsed = i == 0 && after_days.is_some_and(|d| d > i64::from(min + spread));
                        if !lapsed {
                            prop_assert!(gap <= i64::from(min + spread), "gap {} above the maximum", gap);
                        }
                    }
                    previous = Some(p.slot.start.date());
                }
            }
            Err(ProposalError::NoFit { session, from, .. }) => {
                prop_assert!((1..=sessions).contains(&session));
                prop_assert!(from >= earliest);
            }
            Err(ProposalError::LongerThanAnyOpening { minutes: m }) => prop_assert_eq!(m, minutes),
        }
    }
}
