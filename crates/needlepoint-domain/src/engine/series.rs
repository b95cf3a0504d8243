//! The series: how many sessions, how far apart, and on which dates.
//!
//! Each planned zone takes the rhythm of its concerns. Zones whose rhythms can meet share one
//! track; a rhythm that cannot meet the others (weekly scalp work beside a monthly face series)
//! gets a track of its own.

use jiff::civil::Date;

use crate::engine::dates::add_days;
use crate::intake::Intake;
use crate::plan::{PlannedInterval, Series, SeriesTrack, ZonePlan};
use crate::protocol::{IntervalDays, Protocol};

struct Rhythm {
    zones: Vec<String>,
    concerns: Vec<String>,
    sessions: u32,
    interval: IntervalDays,
    lengthened: bool,
}

/// Two intervals that must both hold: the longer minimum, and the shorter maximum when they
/// overlap. When they cannot both hold, the longer minimum wins: the safer side.
fn combine(a: IntervalDays, b: IntervalDays) -> IntervalDays {
    let min = a.min.max(b.min);
    IntervalDays {
        min,
        max: a.max.min(b.max).max(min),
    }
}

fn overlaps(a: IntervalDays, b: IntervalDays) -> bool {
    a.min.max(b.min) <= a.max.min(b.max)
}

fn zone_rhythm(protocol: &Protocol, intake: &Intake, zone: &ZonePlan) -> Option<Rhythm> {
    let lengthen = protocol
        .series
        .lengthen_for_darker_skin_fitzpatrick
        .contains(&intake.client.fitzpatrick);
    let mut rhythm: Option<Rhythm> = None;
    for concern in zone.concerns.iter().filter_map(|c| protocol.concern(c)) {
        let mut interval = concern.interval;
        let lengthened = lengthen && concern.lengthen_for_darker_skin;
        if lengthened {
            interval.min += protocol.series.lengthen_for_darker_skin_days;
            interval.max += protocol.series.lengthen_for_darker_skin_days;
        }
        rhythm = Some(match rhythm {
            None => Rhythm {
                zones: vec![zone.zone.clone()],
                concerns: vec![concern.id.clone()],
                sessions: concern.sessions,
                interval,
                lengthened,
            },
            Some(mut r) => {
                r.concerns.push(concern.id.clone());
                r.sessions = r.sessions.max(concern.sessions);
                r.interval = combine(r.interval, interval);
                r.lengthened |= lengthened;
                r
            }
        });
    }
    rhythm
}

fn dates(starts_on: Date, sessions: u32, session_number: u32, interval_days: u32) -> Vec<Date> {
    let remaining = sessions.saturating_sub(session_number.saturating_sub(1)).max(1);
    (0..remaining)
        .map(|k| add_days(starts_on, i64::from(k) * i64::from(interval_days)))
        .collect()
}

/// Groups the zones' rhythms into tracks, then dates each track with the reasons for its numbers
/// (kept together: each reason is written where its number is decided).
#[allow(
    clippy::too_many_lines,
    reason = "each reason is written where its number is decided"
)]
pub fn build(protocol: &Protocol, intake: &Intake, zones: &[ZonePlan], starts_on: Date) -> Series {
    let mut rhythms: Vec<Rhythm> = Vec::new();
    for zone in zones {
        let Some(zone_rhythm) = zone_rhythm(protocol, intake, zone) else {
            continue;
        };
        match rhythms
            .iter_mut()
            .find(|r| overlaps(r.interval, zone_rhythm.interval))
        {
            Some(track) => {
                track.zones.extend(zone_rhythm.zones);
                for concern in zone_rhythm.concerns {
                    if !track.concerns.contains(&concern) {
                        track.concerns.push(concern);
                    }
                }
                track.sessions = track.sessions.max(zone_rhythm.sessions);
                track.interval = combine(track.interval, zone_rhythm.interval);
                track.lengthened |= zone_rhythm.lengthened;
            }
            None => rhythms.push(zone_rhythm),
        }
    }

    let floor = protocol.series.floor_days;
    let tracks: Vec<SeriesTrack> = rhythms
        .into_iter()
        .map(|mut rhythm| {
            let mut reasons = vec![format!(
                "{} session(s), {} to {} days apart, for {}.",
                rhythm.sessions,
                rhythm.interval.min,
                rhythm.interval.max,
                rhythm
                    .concerns
                    .iter()
                    .map(|c| protocol.concern(c).map_or(c.as_str(), |c| c.label.as_str()).to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            )];
            if rhythm.lengthened {
                reasons.push(format!(
                    "Interval lengthened by {} days for Fitzpatrick type {}.",
                    protocol.series.lengthen_for_darker_skin_days, intake.client.fitzpatrick
                ));
            }
            if rhythm.interval.min < floor {
                reasons.push(format!("Raised to the {floor}-day minimum between sessions on the same zone."));
                rhythm.interval.min = floor;
                rhythm.interval.max = rhythm.interval.max.max(floor);
            }
            if intake.session_number > rhythm.sessions {
                reasons.push(format!(
                    "This is session {} of a usual {}: the series is complete; further sessions are maintenance.",
                    intake.session_number, rhythm.sessions
                ));
            } else if intake.session_number > 1 {
                reasons.push(format!("Dates from session {} of {}.", intake.session_number, rhythm.sessions));
            }
            let interval = PlannedInterval::from(rhythm.interval);
            SeriesTrack {
                dates: dates(starts_on, rhythm.sessions, intake.session_number, interval.planned),
                zones: rhythm.zones,
                concerns: rhythm.concerns,
                sessions: rhythm.sessions,
                interval_days: interval,
                reasons,
            }
        })
        .collect();

    match tracks.first() {
        Some(main) => Series {
            sessions: main.sessions,
            interval_days: main.interval_days,
            starts_on,
            dates: main.dates.clone(),
            reasons: main.reasons.clone(),
            tracks,
        },
        None => Series {
            sessions: 0,
            interval_days: PlannedInterval {
                min: floor,
                max: floor,
                planned: floor,
            },
            starts_on,
            dates: Vec::new(),
            reasons: vec!["No zone can be planned, so there is no series.".into()],
            tracks,
        },
    }
}
