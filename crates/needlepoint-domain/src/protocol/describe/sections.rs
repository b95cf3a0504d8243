//! The description's sections other than the rules: options, zones, concerns, devices,
//! questions, check-in, conditions, procedure, care and sources.

use super::{Entry, Facts, Section, section, yes_no};
use crate::evidence::Cited;
use crate::protocol::{AnswerKind, Protocol, Question, StepKind};

fn types(list: &[u8]) -> String {
    let names: Vec<String> = list.iter().map(u8::to_string).collect();
    names.join(", ")
}

fn option(id: &str, title: &str, value: String, meaning: &str, file: &str, cited: &Cited) -> Entry {
    Facts::new()
        .add("value", value)
        .add("meaning", meaning)
        .add("file", file)
        .entry(id, title, cited)
}

/// The named options: the choices the engine's logic leaves to the medical director. Long but
/// flat: one entry per option, read best as one list.
#[allow(
    clippy::too_many_lines,
    reason = "flat: one entry per option, read as one list"
)]
pub(super) fn options(p: &Protocol) -> Section {
    let depth = &p.depth;
    let sets: Vec<String> = p
        .numbing
        .large_area_regions
        .iter()
        .map(|set| set.join(" + "))
        .collect();
    let entries = vec![
        option(
            "first_session_lower_half_of",
            "Which range the darker-skin first session halves",
            depth.first_session_lower_half_of.name().into(),
            "zone: the lower half of the zone's bounds (the reference's reading); concern_range: the lower half of the concern's usual range inside the zone (deeper).",
            "planning.toml [depth]",
            &depth.cited,
        ),
        option(
            "first_session_lower_half_fitzpatrick",
            "Skin types whose first session stays in the lower half",
            types(&depth.first_session_lower_half_fitzpatrick),
            "Fitzpatrick types whose first session keeps to the lower half of the range above.",
            "planning.toml [depth]",
            &depth.cited,
        ),
        option(
            "concerns_combine",
            "How concerns combine on one zone",
            depth.concerns_combine.name().into(),
            "deepest: the deepest concern that fits the zone drives its range; shallowest: the shallowest does (conservative).",
            "planning.toml [depth]",
            &depth.cited,
        ),
        option(
            "step_mm",
            "Depth step",
            format!("{} mm", depth.step),
            "Planned depths are rounded down to this step, never below the range's minimum.",
            "planning.toml [depth]",
            &depth.cited,
        ),
        option(
            "referral_carries_waiting_dates",
            "A referral names the waiting dates",
            yes_no(p.referral_carries_waiting_dates).into(),
            "yes: a referral's finding also names the date the waiting periods allow. Either way every wait dates the plan's earliest session, series and care.",
            "screening.toml [settings]",
            &p.screening_settings_cited,
        ),
        option(
            "unstated_severity",
            "Severity assumed when none is given",
            p.unstated_severity.name().into(),
            "An active condition reported without a severity is screened as this one.",
            "screening.toml [settings]",
            &p.screening_settings_cited,
        ),
        option(
            "large_area_regions",
            "Large areas under occlusion",
            sets.join("; "),
            "Numbing under wrap over every region of one set at once is a large area: the chart warns.",
            "procedure.toml [numbing]",
            &p.numbing.cited,
        ),
        option(
            "extra_numbing_zones",
            "Extra zones offered for numbing",
            p.numbing.extra_zones.join(", "),
            "Offered on the chart's numbing list besides the planned zones.",
            "procedure.toml [numbing]",
            &p.numbing.cited,
        ),
        option(
            "series_floor_days",
            "Fewest days between sessions on a zone",
            format!("{} days", p.series.floor_days),
            "No two sessions on the same zone are planned closer than this, whatever the concern.",
            "planning.toml [series]",
            &p.series.cited,
        ),
        option(
            "lengthen_for_darker_skin",
            "Longer intervals for darker skin",
            format!(
                "+{} days for Fitzpatrick {}",
                p.series.lengthen_for_darker_skin_days,
                types(&p.series.lengthen_for_darker_skin_fitzpatrick)
            ),
            "Added to each concern's interval, except concerns that keep their own rhythm.",
            "planning.toml [series]",
            &p.series.cited,
        ),
    ];
    section(
        "options",
        "Options",
        "The choices the engine's logic leaves to the medical director, with their current values.",
        entries,
    )
}

pub(super) fn zones(p: &Protocol) -> Section {
    let entries = p
        .zones
        .iter()
        .map(|z| {
            let extended = z
                .extended
                .as_ref()
                .map(|e| format!("to {} mm for {}", e.max, e.concerns.join(", ")));
            Facts::new()
                .add("region", z.region.as_str())
                .add("bounds", z.bounds.to_string())
                .maybe("extended", extended.as_deref())
                .add("needling minutes", z.needling_minutes.to_string())
                .maybe("restriction", z.restriction.as_deref())
                .maybe("note", z.note.as_deref())
                .entry(&z.id, &z.label, &z.cited)
        })
        .collect();
    section(
        "zones",
        "Zones",
        "Where the needle goes: each zone's depth bounds (never planned outside them) and handling rules.",
        entries,
    )
}

pub(super) fn concerns(p: &Protocol) -> Section {
    let entries = p
        .concerns
        .iter()
        .map(|c| {
            Facts::new()
                .add("regions", c.regions.join(", "))
                .add("depth", c.range.to_string())
                .add("sessions", c.sessions.to_string())
                .add("interval", format!("{}-{} days", c.interval.min, c.interval.max))
                .add("longer for darker skin", yes_no(c.lengthen_for_darker_skin))
                .maybe("note", c.note.as_deref())
                .maybe("advisory", c.advisory.as_ref().map(|a| a.message.as_str()))
                .entry(&c.id, &c.label, &c.cited)
        })
        .collect();
    section(
        "concerns",
        "Concerns",
        "What is treated: each concern's usual depth range and series.",
        entries,
    )
}

pub(super) fn devices(p: &Protocol) -> Section {
    let classes = p.device_classes.iter().map(|c| {
        Facts::new()
            .add("kind", "device class")
            .add("range", c.range.to_string())
            .maybe("note", c.note.as_deref())
            .entry(&c.id, &c.label, &c.cited)
    });
    let models = p.device_models.iter().map(|m| {
        let fitzpatrick: Vec<String> = m
            .labelled_fitzpatrick_max
            .iter()
            .map(|(concern, max)| format!("{concern} up to type {max}"))
            .collect();
        Facts::new()
            .add("kind", format!("catalogue model ({})", m.class))
            .add("range", m.range.to_string())
            .add("orbital rim block", yes_no(m.orbital_rim_block))
            .maybe(
                "labelled for",
                m.labelled_indications.as_ref().map(|l| l.join(", ")).as_deref(),
            )
            .maybe(
                "labelled from age",
                m.labelled_min_age.map(|a| a.to_string()).as_deref(),
            )
            .add("labelled skin types", fitzpatrick.join("; "))
            .maybe("authorisation", m.authorisation.as_deref())
            .maybe("note", m.note.as_deref())
            .entry(&m.id, &m.label, &m.cited)
    });
    section(
        "devices",
        "Devices",
        "Device classes and catalogue models: a depth outside the device's range is never planned.",
        classes.chain(models).collect(),
    )
}

fn answer(q: &Question) -> String {
    match q.kind {
        AnswerKind::YesNo => "yes or no".into(),
        AnswerKind::Date => "a date (when it last happened)".into(),
        AnswerKind::Choice => {
            let ids: Vec<&str> = q.choices.iter().map(|c| c.id.as_str()).collect();
            format!("one of: {}", ids.join(", "))
        }
    }
}

pub(super) fn questions(p: &Protocol) -> Section {
    let entries = p
        .questions
        .iter()
        .map(|q| {
            let required = &q.required_when;
            let mut when: Vec<String> = Vec::new();
            if !required.zones_any.is_empty() {
                when.push(format!("zones {}", required.zones_any.join(", ")));
            }
            if !required.regions_any.is_empty() {
                when.push(format!("regions {}", required.regions_any.join(", ")));
            }
            if !required.concerns_any.is_empty() {
                when.push(format!("concerns {}", required.concerns_any.join(", ")));
            }
            Facts::new()
                .add("wording", q.wording.as_str())
                .add("answer", answer(q))
                .maybe("help", q.help.as_deref())
                .add("blank means", q.blank_means.as_str())
                .maybe("goes with", q.goes_with.as_deref())
                .add("required when", when.join("; "))
                .entry(&q.id, &q.label, &q.cited)
        })
        .collect();
    section(
        "questions",
        "Intake questions",
        "The history the intake asks for; the intake page and the API take their questions from here.",
        entries,
    )
}

pub(super) fn checkin(p: &Protocol) -> Section {
    let entries = p
        .checkin_questions
        .iter()
        .map(|c| {
            Facts::new()
                .add("wording", c.wording.as_str())
                .maybe("help", c.help.as_deref())
                .add("asks again", c.relates_to.join(", "))
                .entry(&c.id, &c.label, &c.cited)
        })
        .collect();
    section(
        "checkin",
        "Check-in questions",
        "Asked at every check-in: \"anything changed since your last visit?\". A yes means a new screening.",
        entries,
    )
}

pub(super) fn conditions(p: &Protocol) -> Section {
    // Conditions carry no citation of their own: the rules that use them do.
    let entries = p
        .conditions
        .iter()
        .map(|c| {
            let used_by: Vec<&str> = p
                .rules
                .iter()
                .filter(|r| matches!(&r.trigger, crate::protocol::Trigger::Condition { condition, .. } if *condition == c.id))
                .map(|r| r.id.as_str())
                .collect();
            let mut cited = Cited::default();
            for rule in p.rules.iter().filter(|r| used_by.contains(&r.id.as_str())) {
                cited.absorb(&rule.cited);
            }
            Facts::new()
                .add("settles with time", yes_no(!c.lasting))
                .add("screened by", used_by.join(", "))
                .entry(&c.id, &c.label, &cited)
        })
        .collect();
    section(
        "conditions",
        "Active conditions",
        "Skin conditions an intake reports zone by zone; the rules say what each one does.",
        entries,
    )
}

pub(super) fn procedure(p: &Protocol) -> Section {
    let steps = p.steps.iter().map(|s| {
        let minutes = match (s.kind, s.min_minutes, s.max_minutes) {
            (StepKind::Needling, _, _) => "each planned zone's needling minutes".to_string(),
            (_, Some(min), Some(max)) => format!("{} (from {min} to {max})", s.minutes),
            _ => s.minutes.to_string(),
        };
        Facts::new()
            .add("kind", "session step")
            .add("minutes", minutes)
            .maybe("note", s.note.as_deref())
            .entry(&s.id, &s.label, &s.cited)
    });
    let anaesthetics = p.anaesthetics.iter().map(|a| {
        Facts::new()
            .add("kind", "topical anaesthetic")
            .add("dwell", format!("{}-{} minutes", a.min_minutes, a.max_minutes))
            .maybe("note", a.note.as_deref())
            .entry(&a.id, &a.label, &a.cited)
    });
    section(
        "procedure",
        "Procedure",
        "The session's steps in order, with the minutes the booking uses, and the numbing creams.",
        steps.chain(anaesthetics).collect(),
    )
}

fn filter(regions: &[String], history: Option<&str>) -> String {
    let mut only: Vec<String> = Vec::new();
    if !regions.is_empty() {
        only.push(format!("when {} is treated", regions.join(" or ")));
    }
    if let Some(question) = history {
        only.push(format!("when {question} is answered yes"));
    }
    only.join(", ")
}

pub(super) fn care(p: &Protocol) -> Section {
    let care = &p.care;
    let before = care.before.iter().map(|b| {
        Facts::new()
            .add("kind", "before the session")
            .add("when", format!("from {} days before", b.days_before))
            .add("only", filter(&b.filter.regions_any, b.filter.history.as_deref()))
            .add("text", b.text.as_str())
            .entry(&b.id, &b.id, &b.cited)
    });
    let after = care.after.iter().map(|a| {
        Facts::new()
            .add("kind", "after the session")
            .add("when", format!("days {} to {}", a.from_day, a.until_day))
            .add("only", filter(&a.filter.regions_any, a.filter.history.as_deref()))
            .add("text", a.text.as_str())
            .maybe("clinician's choice", a.clinician_choice.as_deref())
            .entry(&a.id, &a.id, &a.cited)
    });
    let expected = care.expected.iter().map(|e| {
        let windows: Vec<String> = e
            .windows
            .iter()
            .map(|(up_to, days)| format!("up to {up_to} mm: {days} days"))
            .chain([format!("deeper: {} days", e.deeper_days)])
            .collect();
        Facts::new()
            .add("kind", "what is normal")
            .add("lasts", windows.join("; "))
            .maybe("from depth", e.min_depth.map(|d| format!("{d} mm")).as_deref())
            .add("text", e.text.as_str())
            .entry(&e.id, &e.id, &e.cited)
    });
    let signs = care.warning_signs.iter().map(|w| {
        Facts::new()
            .add("kind", "warning sign")
            .add("text", w.text.as_str())
            .entry(&w.id, &w.id, &w.cited)
    });
    section(
        "care",
        "Care",
        "The client's before-care and after-care, the normal course by depth, and the signs to call about.",
        before.chain(after).chain(expected).chain(signs).collect(),
    )
}

pub(super) fn sources(p: &Protocol) -> Section {
    let entries = p
        .sources
        .iter()
        .map(|s| {
            Facts::new()
                .add("citation", s.citation.as_str())
                .entry(&s.id, &s.id, &Cited::default())
        })
        .collect();
    section(
        "sources",
        "Sources",
        "The clinical reference's sources cited above (its section 11 has the full list).",
        entries,
    )
}
