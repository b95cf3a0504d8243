//! The screening rules in plain words, and the waiting periods they set.

use super::{Facts, Section, section, yes_no};
use crate::protocol::{ChoiceTest, Protocol, Rule, Trigger};

fn question_label(p: &Protocol, id: &str) -> String {
    p.question(id)
        .map_or(id.to_string(), |q| format!("{} ({id})", q.label))
}

fn choice(p: &Protocol, test: &ChoiceTest) -> String {
    format!(
        "{} is {}",
        question_label(p, &test.question),
        test.any_of.join(" or ")
    )
}

/// What makes the rule fire, in words.
pub(super) fn when(p: &Protocol, rule: &Rule) -> String {
    let mut parts = vec![match &rule.trigger {
        Trigger::History(question) => format!("{} answered yes", question_label(p, question)),
        Trigger::HistoryDate { field, wait } => format!("{} within {wait}", question_label(p, field)),
        Trigger::Condition {
            condition,
            severity_at_least,
            severity_at_most,
        } => {
            let label = p
                .condition(condition)
                .map_or(condition.as_str(), |c| c.label.as_str());
            let mut text = format!("{label} ({condition}) in a requested zone");
            if let Some(low) = severity_at_least {
                text.push_str(&format!(", at least {}", low.name()));
            }
            if let Some(high) = severity_at_most {
                text.push_str(&format!(", at most {}", high.name()));
            }
            text
        }
        Trigger::AgeUnder(years) => format!("younger than {years} on the treatment date"),
        Trigger::FitzpatrickAtLeast(skin_type) => format!("Fitzpatrick type {skin_type} or above"),
        Trigger::Choice(test) => choice(p, test),
    }];
    if let Some(test) = &rule.choice {
        parts.push(format!("and {}", choice(p, test)));
    }
    if !rule.fitzpatrick_any.is_empty() {
        let types: Vec<String> = rule.fitzpatrick_any.iter().map(u8::to_string).collect();
        parts.push(format!("for Fitzpatrick {}", types.join(", ")));
    }
    if !rule.zones_any.is_empty() {
        parts.push(format!("when {} is requested", rule.zones_any.join(" or ")));
    }
    if !rule.regions_any.is_empty() {
        parts.push(format!(
            "when a zone in {} is requested",
            rule.regions_any.join(" or ")
        ));
    }
    parts.join(" ")
}

fn days(n: u32) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

pub(super) fn rules(p: &Protocol) -> Section {
    let entries = p
        .rules
        .iter()
        .map(|r| {
            let enabled = if r.enabled {
                "yes".to_string()
            } else {
                "no (an option the clinic may turn on)".to_string()
            };
            Facts::new()
                .add("effect", r.effect.name())
                .add("when", when(p, r))
                .add("enabled", enabled)
                .maybe("lead time", r.lead_days.map(days).as_deref())
                .maybe("re-check after", r.recheck_days.map(days).as_deref())
                .add("replaces", r.replaces.join(", "))
                .add("message", r.message.as_str())
                .entry(&r.id, &r.id, &r.cited)
        })
        .collect();
    section(
        "rules",
        "Screening rules",
        "Each rule: what makes it fire and what it does (hard stop, refer, defer, exclude the zone, precaution, note). The strongest decides.",
        entries,
    )
}

/// Every waiting period, lead time and re-check, for a quick look at how long each thing holds a
/// session back.
pub(super) fn waits(p: &Protocol) -> Section {
    let entries = p
        .rules
        .iter()
        .filter_map(|r| {
            let (after, wait) = match (&r.trigger, r.lead_days, r.recheck_days) {
                (Trigger::HistoryDate { field, wait }, _, _) => (question_label(p, field), wait.to_string()),
                (_, Some(lead), _) => (
                    format!("{} (a lead time before the session)", when(p, r)),
                    days(lead),
                ),
                (_, _, Some(recheck)) => (
                    format!("{} (re-checked with a new screening)", when(p, r)),
                    days(recheck),
                ),
                _ => return None,
            };
            let narrowed = r.choice.as_ref().map(|test| choice(p, test));
            Some(
                Facts::new()
                    .add("after", after)
                    .add("wait", wait)
                    .maybe("only when", narrowed.as_deref())
                    .add("effect", r.effect.name())
                    .add("enabled", yes_no(r.enabled))
                    .entry(&r.id, &r.id, &r.cited),
            )
        })
        .collect();
    section(
        "waits",
        "Waiting periods",
        "How long each recorded event holds a session back. Every wait that applies dates the plan's earliest session, series and care, whatever the decision.",
        entries,
    )
}
