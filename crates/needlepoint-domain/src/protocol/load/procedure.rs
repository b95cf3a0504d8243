//! procedure.toml: the session's steps and the topical anaesthetics.

use std::collections::BTreeSet;

use super::Vocabulary;
use super::check::{At, Checker, Known};
use super::document::Document;
use crate::protocol::raw;
use crate::protocol::{Anaesthetic, NumbingSettings, Step, StepKind};

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
        let raw = entry.value;
        check.known_ids(&at, "extra_zones", &raw.extra_zones, &vocabulary.zones, "zone");
        for set in &raw.large_area_regions {
            if set.is_empty() {
                check.report(&at, "large_area_regions", "a set names at least one region");
            }
            check.known_ids(&at, "large_area_regions", set, &vocabulary.regions, "region");
        }
        NumbingSettings {
            extra_zones: raw.extra_zones,
            large_area_regions: raw.large_area_regions,
            cited: check.cited(&at, &raw.sources, &raw.evidence, known),
        }
    });

    let mut seen = BTreeSet::new();
    let mut steps = Vec::new();
    let mut needling_steps = 0;
    for entry in step_entries {
        let raw = entry.value;
        let at = At::new(file, entry.span, "step", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
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
    let mut anaesthetics = Vec::new();
    for entry in anaesthetic_entries {
        let raw = entry.value;
        let at = At::new(file, entry.span, "anaesthetic", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
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
    Some(Procedure {
        steps,
        anaesthetics,
        numbing: numbing?,
    })
}
