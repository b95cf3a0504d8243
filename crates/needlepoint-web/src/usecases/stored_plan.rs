//! The parts of a stored plan that booking and charting read back. Plans are stored as the JSON
//! the engine produced, so that what the practitioner saw is what stays on record; this reads the
//! few fields the appointment book needs from it.

use jiff::civil::Date;
use needlepoint_domain::depth::Mm;
use needlepoint_domain::plan::PlannedInterval;
use needlepoint_store::{DepthOverride, IntakeRecord};
use serde::Deserialize;

use crate::error::AppError;

#[derive(Deserialize)]
struct RawPlan {
    screening: RawScreening,
    zones: Vec<RawZone>,
    session: RawSession,
    series: RawSeries,
}

#[derive(Deserialize)]
struct RawScreening {
    decision: String,
    defer_until: Option<Date>,
}

#[derive(Deserialize)]
struct RawZone {
    zone: String,
    depth_mm: RawDepth,
}

#[derive(Deserialize)]
struct RawDepth {
    planned: f64,
}

#[derive(Deserialize)]
struct RawSession {
    total_minutes: u32,
}

#[derive(Deserialize)]
struct RawInterval {
    min: u32,
    max: u32,
    planned: u32,
}

#[derive(Deserialize)]
struct RawSeries {
    sessions: u32,
    interval_days: RawInterval,
    starts_on: Date,
    tracks: Vec<RawTrack>,
}

#[derive(Deserialize)]
struct RawTrack {
    zones: Vec<String>,
    sessions: u32,
    interval_days: RawInterval,
}

/// One rhythm of the series: its zones, how many sessions and how far apart.
#[derive(Clone, Debug)]
pub struct Track {
    pub zones: Vec<String>,
    pub sessions: u32,
    pub interval: PlannedInterval,
}

#[derive(Clone, Debug)]
pub struct StoredPlan {
    pub decision: String,
    pub defer_until: Option<Date>,
    /// Planned zones with their depth, adjustments applied.
    pub zones: Vec<(String, Mm)>,
    pub total_minutes: u32,
    pub sessions: u32,
    pub starts_on: Date,
    pub tracks: Vec<Track>,
}

fn interval(raw: &RawInterval) -> PlannedInterval {
    PlannedInterval {
        min: raw.min,
        max: raw.max,
        planned: raw.planned,
    }
}

impl StoredPlan {
    /// Reads the intake's plan, with the latest depth adjustment of each zone applied.
    pub fn read(record: &IntakeRecord, overrides: &[DepthOverride]) -> Result<StoredPlan, AppError> {
        let raw: RawPlan = serde_json::from_value(record.plan.clone())
            .map_err(|e| AppError::Internal(format!("stored plan of intake {}: {e}", record.id)))?;
        let zones = raw
            .zones
            .iter()
            .map(|z| {
                let adjusted = overrides
                    .iter()
                    .rev()
                    .find(|o| o.zone == z.zone)
                    .and_then(|o| u32::try_from(o.planned_hundredths).ok())
                    .map(Mm::from_hundredths);
                let depth = adjusted.unwrap_or_else(|| Mm::from_mm(z.depth_mm.planned).unwrap_or(Mm::ZERO));
                (z.zone.clone(), depth)
            })
            .collect();
        let mut tracks: Vec<Track> = raw
            .series
            .tracks
            .iter()
            .map(|t| Track {
                zones: t.zones.clone(),
                sessions: t.sessions,
                interval: interval(&t.interval_days),
            })
            .collect();
        if tracks.is_empty() {
            tracks.push(Track {
                zones: raw.zones.iter().map(|z| z.zone.clone()).collect(),
                sessions: raw.series.sessions,
                interval: interval(&raw.series.interval_days),
            });
        }
        Ok(StoredPlan {
            decision: raw.screening.decision,
            defer_until: raw.screening.defer_until,
            zones,
            total_minutes: raw.session.total_minutes,
            sessions: raw.series.sessions,
            starts_on: raw.series.starts_on,
            tracks,
        })
    }

    /// The minimum interval before these zones may be treated again: the strictest of their tracks.
    pub fn min_interval_for(&self, zones: &[String]) -> u32 {
        self.tracks
            .iter()
            .filter(|t| t.zones.iter().any(|z| zones.contains(z)))
            .map(|t| t.interval.min)
            .max()
            .unwrap_or(7)
    }
}
