//! A stored plan as booking and charting use it: the plan the engine made, with the latest depth
//! change of each zone applied, and its series as tracks.

use needlepoint_domain::depth::Mm;
use needlepoint_domain::plan::{Decision, Plan, PlannedInterval};
use needlepoint_store::{DepthOverride, IntakeRecord};

/// One rhythm of the series: its zones, how many sessions and how far apart.
#[derive(Clone, Debug)]
pub struct Track {
    pub zones: Vec<String>,
    pub sessions: u32,
    pub interval: PlannedInterval,
}

#[derive(Clone, Debug)]
pub struct CurrentPlan {
    pub record: IntakeRecord,
    /// Planned zones with their depth, adjustments applied.
    pub zones: Vec<(String, Mm)>,
    pub tracks: Vec<Track>,
}

impl CurrentPlan {
    /// The intake's plan, with the latest depth change of each zone applied.
    pub fn read(record: IntakeRecord, overrides: &[DepthOverride]) -> CurrentPlan {
        let plan = &record.plan;
        let zones = plan
            .zones
            .iter()
            .map(|z| {
                let adjusted = overrides
                    .iter()
                    .rev()
                    .find(|o| o.zone == z.zone)
                    .map(|o| Mm::from_hundredths(o.planned_hundredths));
                (z.zone.clone(), adjusted.unwrap_or(z.depth_mm.planned))
            })
            .collect();
        let mut tracks: Vec<Track> = plan
            .series
            .tracks
            .iter()
            .map(|t| Track {
                zones: t.zones.clone(),
                sessions: t.sessions,
                interval: t.interval_days,
            })
            .collect();
        if tracks.is_empty() {
            tracks.push(Track {
                zones: plan.zones.iter().map(|z| z.zone.clone()).collect(),
                sessions: plan.series.sessions,
                interval: plan.series.interval_days,
            });
        }
        CurrentPlan {
            record,
            zones,
            tracks,
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.record.plan
    }

    pub fn decision(&self) -> Decision {
        self.record.decision
    }

    /// The minimum interval before these zones may be treated again: the strictest of their
    /// tracks, and never below the protocol's floor.
    pub fn min_interval_for(&self, zones: &[String], floor_days: u32) -> u32 {
        self.tracks
            .iter()
            .filter(|t| t.zones.iter().any(|z| zones.contains(z)))
            .map(|t| t.interval.min)
            .max()
            .unwrap_or(floor_days)
            .max(floor_days)
    }
}
