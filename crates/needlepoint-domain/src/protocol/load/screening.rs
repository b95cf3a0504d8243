//! screening.toml: the conditions an intake can report and the screening rules.

use std::collections::BTreeSet;

use super::Vocabulary;
use super::check::{At, Checker, Known};
use super::document::Document;
use super::questions::{choice_test, expect_question};
use crate::intake::Severity;
use crate::protocol::questions::AnswerKind;
use crate::protocol::raw::{self, RawWhen};
use crate::protocol::{ConditionDef, Effect, Rule, Trigger, Wait};

pub(super) struct Screening {
    pub conditions: Vec<ConditionDef>,
    pub unstated_severity: Severity,
    pub referral_carries_waiting_dates: bool,
    pub settings_cited: crate::evidence::Cited,
    pub rules: Vec<Rule>,
}

/// The conditions alone (rules refer to them, so they are read first).
pub(super) fn load_conditions(
    check: &mut Checker,
    doc: &mut Option<Document<'_>>,
) -> (Vec<ConditionDef>, Known) {
    let Some(doc) = doc else {
        return (Vec::new(), None);
    };
    let (entries, unread) = doc.list::<raw::RawCondition>(check, "condition", true);
    let mut seen = BTreeSet::new();
    let mut conditions = Vec::new();
    for entry in entries {
        let raw = entry.value;
        let at = At::new(doc.file, entry.span, "condition", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        conditions.push(ConditionDef {
            id: raw.id,
            label: raw.label,
            lasting: raw.lasting,
        });
    }
    let known = conditions.iter().map(|c| c.id.clone()).chain(unread).collect();
    (conditions, Some(known))
}

pub(super) fn load_screening(
    check: &mut Checker,
    doc: Option<Document<'_>>,
    conditions: Vec<ConditionDef>,
    known: &Known,
    vocabulary: &Vocabulary,
) -> Option<Screening> {
    let mut doc = doc?;
    let settings = doc.value::<raw::RawScreeningSettings>(check, "settings", "a [settings] table");
    let (entries, _) = doc.list::<raw::RawRule>(check, "rule", true);
    let file = doc.file;
    doc.finish(check, &["settings", "condition", "rule"]);

    let referral_carries_waiting_dates = settings
        .as_ref()
        .is_none_or(|s| s.value.referral_carries_waiting_dates);
    let (unstated_severity, settings_cited) = match settings {
        Some(settings) => {
            let at = At::table(file, settings.span, "settings");
            let raw = settings.value;
            (
                severity(check, &at, "unstated_severity", &raw.unstated_severity),
                check.cited(&at, &raw.sources, &raw.evidence, known),
            )
        }
        None => (None, crate::evidence::Cited::default()),
    };
    let mut seen = BTreeSet::new();
    let mut rules = Vec::new();
    let mut spans = Vec::new();
    for entry in entries {
        let raw = entry.value;
        let at = At::new(file, entry.span.clone(), "rule", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        if let Some(rule) = rule(check, &at, raw, known, vocabulary) {
            rules.push(rule);
            spans.push(entry.span);
        }
    }
    let ids: Option<BTreeSet<String>> = Some(seen);
    for (rule, span) in rules.iter().zip(spans) {
        let at = At::new(file, span, "rule", &rule.id);
        check.known_ids(&at, "replaces", &rule.replaces, &ids, "rule");
        if rule.replaces.contains(&rule.id) {
            check.report(&at, "replaces", "a rule cannot replace itself");
        }
    }
    Some(Screening {
        conditions,
        unstated_severity: unstated_severity.unwrap_or(Severity::Severe),
        referral_carries_waiting_dates,
        settings_cited,
        rules,
    })
}

fn rule(
    check: &mut Checker,
    at: &At<'_>,
    raw: raw::RawRule,
    known: &Known,
    vocabulary: &Vocabulary,
) -> Option<Rule> {
    let effect = Effect::from_name(&raw.effect);
    if effect.is_none() {
        let valid: Vec<&str> = Effect::ALL.iter().map(|e| e.name()).collect();
        check.report(
            at,
            "effect",
            format!(
                "unknown effect `{}`; expected one of: {}",
                raw.effect,
                valid.join(", ")
            ),
        );
    }
    let choice = raw
        .when
        .choice
        .as_ref()
        .map(|question| choice_test(check, at, question, &raw.when.choice_any, vocabulary));
    if choice.is_none() && !raw.when.choice_any.is_empty() {
        check.report(
            at,
            "when.choice_any",
            "goes with `choice`, the question it answers",
        );
    }
    let trigger = match (&choice, only_choice(&raw.when)) {
        (Some(test), true) => Some(Trigger::Choice(test.clone())),
        _ => trigger(check, at, &raw.when, vocabulary),
    };
    let choice = choice.filter(|_| !matches!(trigger, Some(Trigger::Choice(_))));
    check.known_ids(
        at,
        "when.zones_any",
        &raw.when.zones_any,
        &vocabulary.zones,
        "zone",
    );
    check.known_ids(
        at,
        "when.regions_any",
        &raw.when.regions_any,
        &vocabulary.regions,
        "region",
    );
    if let (Some(effect), Some(trigger)) = (effect, &trigger) {
        check_timing(check, at, effect, trigger, &raw);
    }
    let cited = check.cited(at, &raw.sources, &raw.evidence, known);
    if raw.message.trim().is_empty() {
        check.report(at, "message", "must say why the rule fires, in plain words");
    }
    Some(Rule {
        id: raw.id,
        enabled: raw.enabled.unwrap_or(true),
        replaces: raw.replaces,
        effect: effect?,
        trigger: trigger?,
        fitzpatrick_any: raw.when.fitzpatrick_any,
        choice,
        zones_any: raw.when.zones_any,
        regions_any: raw.when.regions_any,
        lead_days: raw.lead_days,
        recheck_days: raw.recheck_days,
        message: raw.message,
        cited,
    })
}

/// Which effects go with which triggers, waits and re-checks, and the lead time's bounds.
fn check_timing(check: &mut Checker, at: &At<'_>, effect: Effect, trigger: &Trigger, raw: &raw::RawRule) {
    let dated = matches!(trigger, Trigger::HistoryDate { .. });
    let recheck = raw.recheck_days.is_some();
    if effect == Effect::Defer && dated == recheck {
        check.report(
            at,
            "effect",
            "`defer` needs one end: a `history_date` with its wait, or `recheck_days` (check the client again after that many days)",
        );
    }
    if effect != Effect::Defer && (dated || recheck) {
        check.report(
            at,
            "effect",
            "a waiting period (`history_date`) or `recheck_days` goes with `defer` only",
        );
    }
    if effect == Effect::ExcludeZone && !matches!(trigger, Trigger::Condition { .. }) {
        check.report(
            at,
            "effect",
            "`exclude_zone` needs a `condition` trigger: the condition says which zones",
        );
    }
    if raw.lead_days.is_some_and(|days| days == 0 || days > 90) {
        check.report(at, "lead_days", "must be between 1 and 90 days");
    }
    if raw.recheck_days.is_some_and(|days| days == 0 || days > 365) {
        check.report(at, "recheck_days", "must be between 1 and 365 days");
    }
    if raw.lead_days.is_some() && effect == Effect::Info {
        check.report(at, "lead_days", "an `info` rule cannot hold a session back");
    }
}

/// Whether `choice` is the rule's only trigger.
fn only_choice(when: &RawWhen) -> bool {
    when.history.is_none()
        && when.history_date.is_none()
        && when.condition.is_none()
        && when.age_under.is_none()
        && when.fitzpatrick_at_least.is_none()
}

pub(super) fn severity(check: &mut Checker, at: &At<'_>, key: &str, name: &str) -> Option<Severity> {
    let options: Vec<(&str, Severity)> = Severity::ALL.iter().map(|s| (s.name(), *s)).collect();
    check.one_of(at, key, name, &options)
}

fn trigger(check: &mut Checker, at: &At<'_>, when: &RawWhen, vocabulary: &Vocabulary) -> Option<Trigger> {
    let given = [
        when.history.is_some(),
        when.history_date.is_some(),
        when.condition.is_some(),
        when.age_under.is_some(),
        when.fitzpatrick_at_least.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given != 1 {
        check.report(
            at,
            "when",
            "give exactly one of history, history_date, condition, age_under, fitzpatrick_at_least (or choice alone)",
        );
        return None;
    }
    if when.history_date.is_none() && (when.wait_days.is_some() || when.wait_months.is_some()) {
        check.report(at, "when", "wait_days and wait_months go with history_date only");
    }
    if when.condition.is_none() && (when.severity_at_least.is_some() || when.severity_at_most.is_some()) {
        check.report(
            at,
            "when",
            "severity_at_least and severity_at_most go with condition only",
        );
    }
    if let Some(name) = &when.history {
        expect_question(check, at, "when.history", name, AnswerKind::YesNo, vocabulary);
        return Some(Trigger::History(name.clone()));
    }
    if let Some(name) = &when.history_date {
        return history_date(check, at, name, when, vocabulary);
    }
    if let Some(condition) = &when.condition {
        return condition_trigger(check, at, condition, when, vocabulary);
    }
    if let Some(years) = when.age_under {
        if years == 0 || years > 130 {
            check.report(at, "when.age_under", "must be an age between 1 and 130");
        }
        return Some(Trigger::AgeUnder(years));
    }
    let fitzpatrick = when.fitzpatrick_at_least.unwrap_or(0);
    if !(1..=6).contains(&fitzpatrick) {
        check.report(at, "when.fitzpatrick_at_least", "Fitzpatrick types are 1 to 6");
    }
    Some(Trigger::FitzpatrickAtLeast(fitzpatrick))
}

fn history_date(
    check: &mut Checker,
    at: &At<'_>,
    name: &str,
    when: &RawWhen,
    vocabulary: &Vocabulary,
) -> Option<Trigger> {
    expect_question(check, at, "when.history_date", name, AnswerKind::Date, vocabulary);
    let wait = match (when.wait_days, when.wait_months) {
        (Some(days), None) if days > 0 => Some(Wait::Days(days)),
        (None, Some(months)) if months > 0 => Some(Wait::Months(months)),
        _ => {
            check.report(
                at,
                "when",
                "give one waiting period above zero: wait_days or wait_months",
            );
            None
        }
    };
    wait.map(|wait| Trigger::HistoryDate {
        field: name.to_string(),
        wait,
    })
}

fn condition_trigger(
    check: &mut Checker,
    at: &At<'_>,
    condition: &str,
    when: &RawWhen,
    vocabulary: &Vocabulary,
) -> Option<Trigger> {
    check.known_ids(
        at,
        "when.condition",
        &[condition.to_string()],
        &vocabulary.conditions,
        "condition",
    );
    let at_least = when
        .severity_at_least
        .as_ref()
        .and_then(|s| severity(check, at, "when.severity_at_least", s));
    let at_most = when
        .severity_at_most
        .as_ref()
        .and_then(|s| severity(check, at, "when.severity_at_most", s));
    if let (Some(low), Some(high)) = (at_least, at_most)
        && low > high
    {
        check.report(
            at,
            "when",
            "severity_at_least is above severity_at_most: the rule could never fire",
        );
    }
    Some(Trigger::Condition {
        condition: condition.to_string(),
        severity_at_least: at_least,
        severity_at_most: at_most,
    })
}
