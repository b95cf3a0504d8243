//! The plan: what the engine returns for one intake, in the shape the plan contract fixes
//! (`docs/intake-and-plan.md`). Fields beyond the contract are additions, never renames.

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

/// Which protocol produced a plan: its name, version and content digest (`sha256:…`). Two plans
/// with the same stamp were made with exactly the same protocol content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolStamp {
    pub name: String,
    pub version: String,
    /// Empty on plans stored before protocols had digests.
    #[serde(default)]
    pub digest: String,
}

impl std::fmt::Display for ProtocolStamp {
    /// `Needlepoint default protocol 2026.11.1 (sha256:1a2b3c4d5e6f)`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name, self.version)?;
        if !self.digest.is_empty() {
            let short: String = self.digest.chars().take("sha256:".len() + 12).collect();
            write!(f, " ({short})")?;
        }
        Ok(())
    }
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

    /// The decision in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Decision::Proceed => "Proceed",
            Decision::ProceedWithPrecautions => "Proceed with precautions",
            Decision::Defer => "Defer",
            Decision::NotCandidate => "Not a candidate",
            Decision::Refer => "Refer to a physician",
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
    /// The earliest date every applicable waiting period (and lead time, such as an antiviral
    /// started a day ahead) allows, whatever the decision; `None` when none applies.
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
    /// For a waiting period or a lead time: the first date treatment may happen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// For a deferral that waits on the skin rather than on a date (sunburn): when to check the
    /// client again, with a new screening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recheck_on: Option<Date>,
}

impl Plan {
    /// Why no session may be booked on `day` on this plan, or `None` when one may: the decision
    /// does not allow treatment; a deferral needs the client screened again (no date, or a
    /// condition to re-check); nothing could be planned; or `day` comes before the earliest date
    /// the waiting periods and lead times allow (so a same-day booking is refused when an
    /// antiviral must start the day before).
    pub fn booking_refusal(&self, day: Date) -> Option<String> {
        let screening = &self.screening;
        let reasons = |effects: &[Effect]| {
            let rules: Vec<&str> = screening
                .findings
                .iter()
                .filter(|f| effects.contains(&f.effect))
                .map(|f| f.rule.as_str())
                .collect();
            rules.join(", ")
        };
        let not_before = screening
            .defer_until
            .map(|until| format!(" In any case, no session before {until}."))
            .unwrap_or_default();
        match screening.decision {
            Decision::NotCandidate => {
                return Some(format!(
                    "The screening found the client is not a candidate ({}): no session can be booked.{not_before}",
                    reasons(&[Effect::HardStop, Effect::ExcludeZone])
                ));
            }
            Decision::Refer => {
                return Some(format!(
                    "The screening refers the client to a physician ({}): no session can be booked until their review and a new screening.{not_before}",
                    reasons(&[Effect::Refer])
                ));
            }
            Decision::Defer => {
                if let Some(f) = screening
                    .findings
                    .iter()
                    .find(|f| f.effect == Effect::Defer && (f.until.is_none() || f.recheck_on.is_some()))
                {
                    return Some(format!("{} Screen the client again before booking.", f.message));
                }
                if self.zones.is_empty() {
                    return Some(
                        "No zone can be treated on this screening: screen the client again before booking."
                            .into(),
                    );
                }
            }
            Decision::Proceed | Decision::ProceedWithPrecautions => {}
        }
        if self.zones.is_empty() {
            return Some("Nothing is planned on this screening, so there is nothing to book.".into());
        }
        match screening.defer_until {
            Some(until) if day < until => {
                let dated: Vec<&str> = screening
                    .findings
                    .iter()
                    .filter(|f| f.effect != Effect::Info && f.until.is_some())
                    .map(|f| f.rule.as_str())
                    .collect();
                Some(format!(
                    "No session before {until}, the earliest date the waiting periods and lead times allow ({}).",
                    dated.join(", ")
                ))
            }
            _ => None,
        }
    }
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
    /// The sources conflict and the clinician decides (for example anti-inflammatory painkillers
    /// after treatment): why, for the practitioner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician_choice: Option<String>,
}
