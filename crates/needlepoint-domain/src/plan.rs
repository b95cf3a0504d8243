//! The plan: what the engine returns for one intake, in the shape the plan contract fixes
//! (`shared/contracts/intake-and-plan.md`). Fields beyond the contract are additions, never renames.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::depth::Mm;
use crate::evidence::Evidence;
use crate::protocol::{Effect, IntervalDays};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    /// Which protocol produced this plan.
    pub protocol: ProtocolStamp,
    pub screening: Screening,
    /// Zones that may be treated, in the order they were asked for.
    pub zones: Vec<ZonePlan>,
    /// Requested zones that are not excluded but cannot be planned (device out of reach, no concern).
    pub unplanned_zones: Vec<UnplannedZone>,
    pub session: SessionTimeline,
    pub series: Series,
    pub care: CareSchedule,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolStamp {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Proceed,
    ProceedWithPrecautions,
    Defer,
    NotCandidate,
    Refer,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Proceed => "proceed",
            Decision::ProceedWithPrecautions => "proceed_with_precautions",
            Decision::Defer => "defer",
            Decision::NotCandidate => "not_candidate",
            Decision::Refer => "refer",
        }
    }

    /// Whether a session may be booked on this intake.
    pub fn allows_treatment(self) -> bool {
        matches!(self, Decision::Proceed | Decision::ProceedWithPrecautions)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Screening {
    pub decision: Decision,
    /// The first date treatment may happen, when a waiting period decides it.
    pub defer_until: Option<Date>,
    pub excluded_zones: Vec<String>,
    pub findings: Vec<Finding>,
}

/// One reason behind the decision: the rule that fired, what it does, where, why, and its sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub rule: String,
    pub effect: Effect,
    pub zones: Vec<String>,
    pub message: String,
    pub sources: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// For a waiting period: the first date treatment may happen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZonePlan {
    pub zone: String,
    pub label: String,
    pub concerns: Vec<String>,
    pub depth_mm: PlannedDepth,
    /// Why each number is what it is.
    pub reasons: Vec<String>,
    /// Handling rules the practitioner must follow on this zone.
    pub restrictions: Vec<String>,
    pub sources: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedDepth {
    pub min: Mm,
    pub max: Mm,
    pub planned: Mm,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnplannedZone {
    pub zone: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionTimeline {
    pub steps: Vec<TimelineStep>,
    /// What booking uses.
    pub total_minutes: u32,
    pub needling_minutes: u32,
    /// The total when the client numbs at home before arriving.
    pub total_without_numbing_minutes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineStep {
    pub step: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    pub label: String,
    pub minutes: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedInterval {
    pub min: u32,
    pub max: u32,
    /// The interval the dates use.
    pub planned: u32,
}

impl From<IntervalDays> for PlannedInterval {
    fn from(interval: IntervalDays) -> PlannedInterval {
        PlannedInterval {
            min: interval.min,
            max: interval.max,
            planned: interval.min,
        }
    }
}

/// The series: the main rhythm at the top level, and every rhythm (for instance scalp weekly beside
/// a monthly face series) in `tracks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Series {
    pub sessions: u32,
    pub interval_days: PlannedInterval,
    /// The date of this session: the treatment date, or the end of a deferral.
    pub starts_on: Date,
    /// This session and the remaining ones of the series.
    pub dates: Vec<Date>,
    pub reasons: Vec<String>,
    pub tracks: Vec<SeriesTrack>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesTrack {
    pub zones: Vec<String>,
    pub concerns: Vec<String>,
    pub sessions: u32,
    pub interval_days: PlannedInterval,
    pub dates: Vec<Date>,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CareSchedule {
    pub before: Vec<BeforeCare>,
    pub after: Vec<AfterCare>,
    /// What is normal after the session, and until when.
    pub expected: Vec<AfterCare>,
    pub warning_signs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BeforeCare {
    pub id: String,
    pub on: Date,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AfterCare {
    pub id: String,
    pub from: Date,
    pub until: Date,
    pub text: String,
}
