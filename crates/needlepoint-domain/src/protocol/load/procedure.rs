//! procedure.toml: the session's steps and the topical anaesthetics.

use std::collections::BTreeSet;

use super::Vocabulary;
use super::check::{At, Checker, Known};
use super::document::{Document, Entry};
use crate::protocol::raw;
use crate::protocol::{Anaesthetic, NumbingSettings, ProtocolFile, Step, StepKind};

pub(super) struct Procedure {
    pub steps: Vec<Step>,
    pub anaesthetics: Vec<Anaesthetic>,
    pub numbing: NumbingSettings,
}

pub(super) fn load_procedure(
    check: &mut Checker,
    doc: Option<Document<'_>>,
    known: &Known,
    vocabulary: &Vocabulary,
) -> Option<Procedure> {
    let mut doc = doc?;
    let (step_entries, _) = doc.list::<raw::RawStep>(check, "step", true);
    let (anaesthetic_entries, _) = doc.list::<raw::RawAnaesthetic>(check, "anaesthetic", false);
    let numbing = doc.value::<raw::RawNumbing>(check, "numbing", "a [numbing] table");
    let file = doc.file;
    doc.finish(check, &["step", "anaesthetic", "numbing"]);
    let numbing = numbing.map(|entry| {
        let at = At::table(file, entry.span, "numbing");
        numbing_settings(check, &at, entry.value, known, vocabulary)
    });
    let mut seen = BTreeSet::new();
    let steps = load_steps(check, file, step_entries, &mut seen, known);
    let anaesthetics = load_anaesthetics(check, file, anaesthetic_entries, &mut seen, known);
    Some(Procedure {
        steps,
        anaesthetics,
        numbing: numbing?,
    })
}

fn numbing_settings(
    check: &mut Checker,
    at: &At<'_>,
    raw: raw::RawNumbing,
    known: &Known,
    vocabulary: &Vocabulary,
) -> NumbingSettings {
    check.known_ids(at, "extra_zones", &raw.extra_zones, &vocabulary.zones, "zone");
    for set in &raw.large_area_regions {
        if set.is_empty() {
            check.report(at, "large_area_regions", "a set names at least one region");
        }
        check.known_ids(at, "large_area_regions", set, &vocabulary.regions, "region");
    }
    NumbingSettings {
        extra_zones: raw.extra_zones,
        large_area_regions: raw.large_area_regions,
        cited: check.cited(at, &raw.sources, &raw.evidence, known),
    }
}

fn load_steps(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    step_entries: Vec<Entry<raw::RawStep>>,
    seen: &mut BTreeSet<String>,
    known: &Known,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut needling_steps = 0;
    for entry in step_entries {
        let raw = entry.value;
        let at = At::new(file, entry.span, "step", &raw.id);
        check.unique(&at, seen, &raw.id);
        let kinds = [
            ("fixed", StepKind::Fixed),
            ("numbing", StepKind::Numbing),
            ("needling", StepKind::Needling),
        ];
        let kind = match raw.kind.as_deref() {
            None => StepKind::Fixed,
            Some(name) => check.one_of(&at, "kind", name, &kinds).unwrap_or(StepKind::Fixed),
        };
        if kind == StepKind::Needling {
            needling_steps += 1;
        }
        if raw.minutes > 240 {
            check.report(&at, "minutes", "must be at most 240");
        }
        if let Some(min) = raw.min_minutes
            && min > raw.minutes
        {
            check.report(
                &at,
                "min_minutes",
                format!("must not be above minutes ({})", raw.minutes),
            );
        }
        if let Some(max) = raw.max_minutes
            && max < raw.minutes
        {
            check.report(
                &at,
                "max_minutes",
                format!("must not be below minutes ({})", raw.minutes),
            );
        }
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        steps.push(Step {
            id: raw.id,
            kind,
            label: raw.label,
            minutes: raw.minutes,
            min_minutes: raw.min_minutes,
            max_minutes: raw.max_minutes,
            note: raw.note,
            cited,
        });
    }
    if needling_steps != 1 {
        check.report_file(
            file.origin,
            format!("step: exactly one step must have kind = \"needling\" (found {needling_steps})"),
        );
    }
    steps
}

fn load_anaesthetics(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    entries: Vec<Entry<raw::RawAnaesthetic>>,
    seen: &mut BTreeSet<String>,
    known: &Known,
) -> Vec<Anaesthetic> {
    let mut anaesthetics = Vec::new();
    for entry in entries {
        let raw = entry.value;
        let at = At::new(file, entry.span, "anaesthetic", &raw.id);
        check.unique(&at, seen, &raw.id);
        if raw.max_minutes < raw.min_minutes {
            check.report(
                &at,
                "max_minutes",
                format!("must not be below min_minutes ({})", raw.min_minutes),
            );
        }
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        anaesthetics.push(Anaesthetic {
            id: raw.id,
            label: raw.label,
            min_minutes: raw.min_minutes,
            max_minutes: raw.max_minutes,
            note: raw.note,
            cited,
        });
    }
    anaesthetics
}
