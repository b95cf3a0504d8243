//! Screening: every rule of the protocol against the intake, then one decision.

use crate::engine::dates::{add_days, add_wait};
use crate::intake::{Intake, Severity};
use crate::plan::{Decision, Finding, Screening};
use crate::protocol::{Effect, Protocol, Rule, Trigger};

/// Runs every rule. The decision is settled later, once depth planning has added its findings.
pub fn screen(protocol: &Protocol, intake: &Intake) -> Screening {
    let mut findings = Vec::new();
    for rule in protocol.rules.iter().filter(|r| r.enabled) {
        if applies_to_requested_zones(protocol, rule, intake) {
            let first = findings.len();
            evaluate(protocol, rule, intake, &mut findings);
            for fired in findings[first..].iter_mut().filter(|f| f.effect != Effect::Info) {
                if let Some(days) = rule.recheck_days {
                    recheck(fired, intake, days);
                }
                if let Some(days) = rule.lead_days {
                    hold_back(fired, intake, days);
                }
            }
        }
    }
    apply_exceptions(protocol, &mut findings);
    let mut excluded_zones: Vec<String> = Vec::new();
    for area in &intake.areas {
        let excluded = findings
            .iter()
            .any(|f| f.effect == Effect::ExcludeZone && f.zones.contains(area));
        if excluded {
            excluded_zones.push(area.clone());
        }
    }
    Screening {
        decision: Decision::Proceed,
        defer_until: None,
        excluded_zones,
        findings,
    }
}

/// A lead time: something must start `days` before the session, so the earliest session is the
/// treatment date plus `days` (or later, when a wait already says so).
fn hold_back(finding: &mut Finding, intake: &Intake, days: u32) {
    let earliest = add_days(intake.date, i64::from(days));
    let day_word = if days == 1 { "day" } else { "days" };
    finding.message.push_str(&format!(
        " It must start at least {days} {day_word} before the session: no session before {earliest}."
    ));
    finding.until = Some(finding.until.map_or(earliest, |until| until.max(earliest)));
}

/// A deferral that waits on the skin, not on a date: the client is checked again, with a new
/// screening, this many days after the treatment date.
fn recheck(finding: &mut Finding, intake: &Intake, days: u32) {
    let on = add_days(intake.date, i64::from(days));
    finding.message.push_str(&format!(
        " Reschedule: re-check the skin on or after {on} with a new screening."
    ));
    finding.until = Some(finding.until.map_or(on, |until| until.max(on)));
    finding.recheck_on = Some(on);
}

/// A rule that fired in place of others (an exception the clinic turned on) removes their
/// findings in the zones where it fired (all of them, for a finding without zones).
fn apply_exceptions(protocol: &Protocol, findings: &mut Vec<Finding>) {
    let exceptions: Vec<(Vec<String>, Vec<String>)> = findings
        .iter()
        .filter(|f| f.effect != Effect::Info)
        .filter_map(|f| {
            let rule = protocol.rules.iter().find(|r| r.id == f.rule)?;
            (!rule.replaces.is_empty()).then(|| (rule.replaces.clone(), f.zones.clone()))
        })
        .collect();
    for (replaced, zones) in exceptions {
        findings.retain_mut(|f| {
            if !replaced.contains(&f.rule) {
                return true;
            }
            if zones.is_empty() {
                return false;
            }
            if f.zones.is_empty() {
                // A finding for the whole intake outlives an exception for some zones.
                return true;
            }
            f.zones.retain(|z| !zones.contains(z));
            !f.zones.is_empty()
        });
    }
}

fn applies_to_requested_zones(protocol: &Protocol, rule: &Rule, intake: &Intake) -> bool {
    if !rule.fitzpatrick_any.is_empty() && !rule.fitzpatrick_any.contains(&intake.client.fitzpatrick) {
        return false;
    }
    if let Some(test) = &rule.choice
        && !test.matches(intake.history.choice(&test.question))
    {
        return false;
    }
    let zone_ok = rule.zones_any.is_empty() || intake.areas.iter().any(|a| rule.zones_any.contains(a));
    let region_ok = rule.regions_any.is_empty()
        || intake
            .areas
            .iter()
            .filter_map(|a| protocol.zone(a))
            .any(|z| rule.regions_any.contains(&z.region));
    zone_ok && region_ok
}

fn finding(rule: &Rule, effect: Effect, zones: Vec<String>, message: String) -> Finding {
    Finding {
        rule: rule.id.clone(),
        effect,
        zones,
        message,
        sources: rule.cited.sources.clone(),
        evidence: rule.cited.evidence.clone(),
        until: None,
        recheck_on: None,
    }
}

fn evaluate(protocol: &Protocol, rule: &Rule, intake: &Intake, findings: &mut Vec<Finding>) {
    match &rule.trigger {
        Trigger::History(flag) => {
            if intake.history.yes(flag) {
                findings.push(finding(rule, rule.effect, Vec::new(), rule.message.clone()));
            }
        }
        Trigger::HistoryDate { field, wait } => {
            if let Some(last) = intake.history.date_of(field) {
                let until = add_wait(last, *wait);
                if until > intake.date {
                    let message = format!("{} Last: {last}; treatment possible from {until}.", rule.message);
                    let mut found = finding(rule, rule.effect, Vec::new(), message);
                    found.until = Some(until);
                    findings.push(found);
                }
            }
        }
        Trigger::Condition {
            condition,
            severity_at_least,
            severity_at_most,
        } => {
            let mut in_requested = Vec::new();
            let mut elsewhere = Vec::new();
            for active in intake.conditions.iter().filter(|c| &c.condition == condition) {
                let severity = active.severity.unwrap_or(protocol.unstated_severity);
                if !severity_matches(severity, *severity_at_least, *severity_at_most) {
                    continue;
                }
                for zone in &active.zones {
                    let list = if intake.areas.contains(zone) {
                        &mut in_requested
                    } else {
                        &mut elsewhere
                    };
                    if !list.contains(zone) {
                        list.push(zone.clone());
                    }
                }
            }
            if !in_requested.is_empty() {
                findings.push(finding(rule, rule.effect, in_requested, rule.message.clone()));
            }
            if !elsewhere.is_empty() && matches!(rule.effect, Effect::ExcludeZone | Effect::Defer) {
                // Not being treated, but next to what is: the practitioner should know.
                let message = format!(
                    "{} (Noted outside the requested areas: keep the device clear of it.)",
                    rule.message
                );
                findings.push(finding(rule, Effect::Info, elsewhere, message));
            }
        }
        Trigger::AgeUnder(years) => {
            if intake.age_on_treatment_date() < i64::from(*years) {
                let message = format!(
                    "{} Age on the treatment date: {}.",
                    rule.message,
                    intake.age_on_treatment_date()
                );
                findings.push(finding(rule, rule.effect, Vec::new(), message));
            }
        }
        Trigger::Choice(test) => {
            if test.matches(intake.history.choice(&test.question)) {
                findings.push(finding(rule, rule.effect, Vec::new(), rule.message.clone()));
            }
        }
        Trigger::FitzpatrickAtLeast(skin_type) => {
            if intake.client.fitzpatrick >= *skin_type {
                findings.push(finding(rule, rule.effect, Vec::new(), rule.message.clone()));
            }
        }
    }
}

fn severity_matches(severity: Severity, at_least: Option<Severity>, at_most: Option<Severity>) -> bool {
    at_least.is_none_or(|low| severity >= low) && at_most.is_none_or(|high| severity <= high)
}

/// Orders the findings (strongest first) and derives the decision from them.
pub fn settle_decision(protocol: &Protocol, screening: &mut Screening, intake: &Intake) {
    screening.findings.sort_by_key(|f| f.effect);
    let latest_wait = latest_wait(&screening.findings);
    let every_zone_excluded =
        !intake.areas.is_empty() && screening.excluded_zones.len() == intake.areas.len();
    // A tattoo does not settle; eczema does. Only lasting conditions make the exclusion final.
    let exclusion_settles = screening
        .findings
        .iter()
        .filter(|f| f.effect == Effect::ExcludeZone)
        .any(|f| !excluded_by_lasting_condition(protocol, &f.rule));

    if every_zone_excluded {
        let excluding: Vec<&Finding> = screening
            .findings
            .iter()
            .filter(|f| f.effect == Effect::ExcludeZone)
            .collect();
        let mut sources: Vec<String> = Vec::new();
        for f in &excluding {
            for s in &f.sources {
                if !sources.contains(s) {
                    sources.push(s.clone());
                }
            }
        }
        let summary = Finding {
            rule: "all_zones_excluded".into(),
            effect: Effect::Info,
            zones: screening.excluded_zones.clone(),
            message: if exclusion_settles {
                "Every requested zone is excluded, so no session can go ahead on this intake. Re-screen once the conditions have settled.".into()
            } else {
                "Every requested zone is excluded by something that will not settle, so these zones cannot be treated.".into()
            },
            sources,
            evidence: excluding.iter().flat_map(|f| f.evidence.iter().copied()).fold(
                Vec::new(),
                |mut acc, e| {
                    if !acc.contains(&e) {
                        acc.push(e);
                    }
                    acc
                },
            ),
            until: None,
            recheck_on: None,
        };
        screening.findings.push(summary);
    }

    let has = |effect: Effect| screening.findings.iter().any(|f| f.effect == effect);
    screening.decision = if has(Effect::HardStop) || (every_zone_excluded && !exclusion_settles) {
        Decision::NotCandidate
    } else if has(Effect::Refer) {
        Decision::Refer
    } else if has(Effect::Defer) || every_zone_excluded {
        Decision::Defer
    } else if has(Effect::Precaution) || has(Effect::ExcludeZone) {
        Decision::ProceedWithPrecautions
    } else {
        Decision::Proceed
    };
    // Every waiting period that applies dates the plan, whatever the decision (issue 11).
    screening.defer_until = latest_wait;
    if protocol.referral_carries_waiting_dates {
        carry_waits_into_referrals(&mut screening.findings);
    }
}

/// The latest date any finding's waiting period (or lead time) allows: the earliest session.
fn latest_wait(findings: &[Finding]) -> Option<jiff::civil::Date> {
    findings
        .iter()
        .filter(|f| f.effect != Effect::Info)
        .filter_map(|f| f.until)
        .max()
}

/// A referral's finding also names the date the other findings' waits allow, so the physician
/// reviewing the client knows no session can come before it.
fn carry_waits_into_referrals(findings: &mut [Finding]) {
    let waits: Vec<(usize, jiff::civil::Date)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.effect != Effect::Info)
        .filter_map(|(i, f)| f.until.map(|until| (i, until)))
        .collect();
    for (i, finding) in findings.iter_mut().enumerate() {
        if finding.effect != Effect::Refer {
            continue;
        }
        let Some(later) = waits.iter().filter(|(j, _)| *j != i).map(|(_, d)| *d).max() else {
            continue;
        };
        if finding.until.is_some_and(|own| own >= later) {
            continue;
        }
        finding.until = Some(later);
        finding.message.push_str(&format!(
            " Waiting periods also apply: no session before {later}, whatever the physician decides."
        ));
    }
}

fn excluded_by_lasting_condition(protocol: &Protocol, rule_id: &str) -> bool {
    protocol
        .rules
        .iter()
        .find(|r| r.id == rule_id)
        .and_then(|r| match &r.trigger {
            Trigger::Condition { condition, .. } => protocol.condition(condition),
            _ => None,
        })
        .is_some_and(|c| c.lasting)
}
