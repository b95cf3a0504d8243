//! Re-screening: an old plan and a new plan for the same intake (usually made under a new
//! protocol version), compared. The result says what changed (the decision, the earliest date,
//! the series dates, each zone's depths, the findings) and why, so that a practitioner can review
//! and accept the new plan; nothing is changed silently. Pure and cheap: a clinic-wide re-screen
//! plans and compares every client (see `benches/plan.rs`).

use jiff::civil::Date;
use serde::Serialize;

use crate::plan::{Decision, Finding, Plan, PlannedDepth, ProtocolStamp, ZonePlan};
use crate::protocol::Effect;

/// Everything that differs between two plans for one intake, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanChanges {
    pub from: ProtocolStamp,
    pub to: ProtocolStamp,
    pub changes: Vec<PlanChange>,
}

impl PlanChanges {
    /// Nothing a practitioner needs to review changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether the decision, the earliest session or the series dates changed (what a booking
    /// depends on).
    pub fn affects_booking(&self) -> bool {
        self.changes.iter().any(|c| {
            matches!(
                c,
                PlanChange::Decision { .. } | PlanChange::DeferUntil { .. } | PlanChange::SeriesDates { .. }
            )
        })
    }
}

/// One difference. `why` gives the findings or reasons behind it, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum PlanChange {
    Decision {
        before: Decision,
        after: Decision,
        why: Vec<String>,
    },
    /// The earliest date the waiting periods and lead times allow.
    DeferUntil {
        before: Option<Date>,
        after: Option<Date>,
        why: Vec<String>,
    },
    /// The dates of every series track, in order.
    SeriesDates {
        before: Vec<Date>,
        after: Vec<Date>,
        why: Vec<String>,
    },
    /// A zone's planned range or depth; `None` where the zone is not planned.
    ZoneDepth {
        zone: String,
        before: Option<PlannedDepth>,
        after: Option<PlannedDepth>,
        why: Vec<String>,
    },
    FindingAdded {
        rule: String,
        effect: Effect,
        zones: Vec<String>,
        message: String,
    },
    FindingRemoved {
        rule: String,
        effect: Effect,
        zones: Vec<String>,
        message: String,
    },
    /// The same rule on the same zones, with another effect or message (a new date, say).
    FindingChanged {
        rule: String,
        zones: Vec<String>,
        effect_before: Effect,
        effect_after: Effect,
        message_before: String,
        message_after: String,
    },
}

fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule && a.zones == b.zones
}

fn find<'p>(plan: &'p Plan, like: &Finding) -> Option<&'p Finding> {
    plan.screening.findings.iter().find(|f| same_finding(f, like))
}

fn finding_changes(old: &Plan, new: &Plan, out: &mut Vec<PlanChange>) {
    for f in &new.screening.findings {
        match find(old, f) {
            None => out.push(PlanChange::FindingAdded {
                rule: f.rule.clone(),
                effect: f.effect,
                zones: f.zones.clone(),
                message: f.message.clone(),
            }),
            Some(was) if was.effect != f.effect || was.message != f.message => {
                out.push(PlanChange::FindingChanged {
                    rule: f.rule.clone(),
                    zones: f.zones.clone(),
                    effect_before: was.effect,
                    effect_after: f.effect,
                    message_before: was.message.clone(),
                    message_after: f.message.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for f in old.screening.findings.iter().filter(|f| find(new, f).is_none()) {
        out.push(PlanChange::FindingRemoved {
            rule: f.rule.clone(),
            effect: f.effect,
            zones: f.zones.clone(),
            message: f.message.clone(),
        });
    }
}

/// Findings that weigh on the decision (anything but a note), added, removed or changed in effect.
fn decision_reasons(old: &Plan, new: &Plan) -> Vec<String> {
    let mut why = Vec::new();
    for f in new.screening.findings.iter().filter(|f| f.effect != Effect::Info) {
        match find(old, f) {
            None => why.push(format!("now {} ({}): {}", f.rule, f.effect.name(), f.message)),
            Some(was) if was.effect != f.effect => why.push(format!(
                "{} is now {} (was {}): {}",
                f.rule,
                f.effect.name(),
                was.effect.name(),
                f.message
            )),
            Some(_) => {}
        }
    }
    for f in old.screening.findings.iter().filter(|f| f.effect != Effect::Info) {
        if find(new, f).is_none() {
            why.push(format!("no longer {} ({})", f.rule, f.effect.name()));
        }
    }
    why
}

/// Findings whose date (a wait, a lead time, a re-check) appeared, went or moved.
fn date_reasons(old: &Plan, new: &Plan) -> Vec<String> {
    let mut why = Vec::new();
    for f in new.screening.findings.iter().filter(|f| f.until.is_some()) {
        let before = find(old, f).and_then(|was| was.until);
        if before != f.until
            && let Some(until) = f.until
        {
            why.push(match before {
                None => format!("{}: no session before {until}", f.rule),
                Some(was) => format!("{}: no session before {until} (was {was})", f.rule),
            });
        }
    }
    for f in old.screening.findings.iter().filter(|f| f.until.is_some()) {
        if find(new, f).is_none_or(|now| now.until.is_none()) {
            why.push(format!("{}: its date no longer applies", f.rule));
        }
    }
    why
}

fn series_reasons(old: &Plan, new: &Plan) -> Vec<String> {
    let mut why = Vec::new();
    if old.series.starts_on != new.series.starts_on {
        why.push(format!(
            "The first session moves from {} to {}.",
            old.series.starts_on, new.series.starts_on
        ));
    }
    let old_reasons: Vec<&String> = old.series.tracks.iter().flat_map(|t| &t.reasons).collect();
    for reason in new.series.tracks.iter().flat_map(|t| &t.reasons) {
        if !old_reasons.contains(&reason) {
            why.push(reason.clone());
        }
    }
    why
}

fn zone_reasons(old: Option<&ZonePlan>, new: Option<&ZonePlan>, zone: &str, plan: &Plan) -> Vec<String> {
    match (old, new) {
        (_, Some(now)) => {
            let before: &[String] = old.map_or(&[], |z| &z.reasons[..]);
            now.reasons
                .iter()
                .filter(|r| !before.contains(r))
                .cloned()
                .collect()
        }
        (_, None) => {
            let unplanned = plan
                .unplanned_zones
                .iter()
                .find(|u| u.zone == zone)
                .map(|u| u.reason.clone());
            let excluded = plan
                .screening
                .excluded_zones
                .iter()
                .any(|z| z == zone)
                .then(|| "Excluded by the screening.".to_string());
            unplanned.into_iter().chain(excluded).collect()
        }
    }
}

fn zone_changes(old: &Plan, new: &Plan, out: &mut Vec<PlanChange>) {
    let mut zones: Vec<&str> = new.zones.iter().map(|z| z.zone.as_str()).collect();
    for z in &old.zones {
        if !zones.contains(&z.zone.as_str()) {
            zones.push(&z.zone);
        }
    }
    for zone in zones {
        let before = old.zones.iter().find(|z| z.zone == zone);
        let after = new.zones.iter().find(|z| z.zone == zone);
        if before.map(|z| z.depth_mm) == after.map(|z| z.depth_mm) {
            continue;
        }
        out.push(PlanChange::ZoneDepth {
            zone: zone.to_string(),
            before: before.map(|z| z.depth_mm),
            after: after.map(|z| z.depth_mm),
            why: zone_reasons(before, after, zone, new),
        });
    }
}

fn all_dates(plan: &Plan) -> Vec<Date> {
    if plan.series.tracks.is_empty() {
        return plan.series.dates.clone();
    }
    plan.series
        .tracks
        .iter()
        .flat_map(|t| t.dates.iter().copied())
        .collect()
}

/// What changed from `old` to `new`, two plans for the same intake.
pub fn compare(old: &Plan, new: &Plan) -> PlanChanges {
    let mut changes = Vec::new();
    if old.screening.decision != new.screening.decision {
        changes.push(PlanChange::Decision {
            before: old.screening.decision,
            after: new.screening.decision,
            why: decision_reasons(old, new),
        });
    }
    if old.screening.defer_until != new.screening.defer_until {
        changes.push(PlanChange::DeferUntil {
            before: old.screening.defer_until,
            after: new.screening.defer_until,
            why: date_reasons(old, new),
        });
    }
    let (before, after) = (all_dates(old), all_dates(new));
    if before != after {
        changes.push(PlanChange::SeriesDates {
            before,
            after,
            why: series_reasons(old, new),
        });
    }
    zone_changes(old, new, &mut changes);
    finding_changes(old, new, &mut changes);
    PlanChanges {
        from: old.protocol.clone(),
        to: new.protocol.clone(),
        changes,
    }
}
