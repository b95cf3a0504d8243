//! care.toml: before-care, after-care, the normal course and the warning signs.

use std::collections::BTreeSet;

use super::Vocabulary;
use super::check::{At, Checker, Known};
use super::document::Document;
use super::questions::expect_question;
use crate::depth::Mm;
use crate::protocol::questions::AnswerKind;
use crate::protocol::raw;
use crate::protocol::{AfterItem, BeforeItem, CareFilter, CareProtocol, ExpectedEffect, WarningSign};

fn care_filter(
    check: &mut Checker,
    at: &At<'_>,
    regions_any: Vec<String>,
    history: Option<String>,
    vocabulary: &Vocabulary,
) -> CareFilter {
    check.known_ids(at, "regions_any", &regions_any, &vocabulary.regions, "region");
    if let Some(name) = &history {
        expect_question(check, at, "history", name, AnswerKind::YesNo, vocabulary);
    }
    CareFilter { regions_any, history }
}

pub(super) fn load_care(
    check: &mut Checker,
    doc: Option<Document<'_>>,
    known: &Known,
    vocabulary: &Vocabulary,
) -> Option<CareProtocol> {
    let mut doc = doc?;
    let (before, _) = doc.list::<raw::RawBefore>(check, "before", true);
    let (after, _) = doc.list::<raw::RawAfter>(check, "after", true);
    let (expected, _) = doc.list::<raw::RawExpected>(check, "expected", true);
    let (warning_signs, _) = doc.list::<raw::RawWarningSign>(check, "warning_sign", true);
    let file = doc.file;
    doc.finish(check, &["before", "after", "expected", "warning_sign"]);

    let mut seen = BTreeSet::new();
    let mut care = CareProtocol::default();
    for entry in before {
        let raw = entry.value;
        let at = At::new(file, entry.span, "before", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        if raw.days_before > 365 {
            check.report(&at, "days_before", "must be at most 365");
        }
        let filter = care_filter(check, &at, raw.regions_any, raw.history, vocabulary);
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        care.before.push(BeforeItem {
            id: raw.id,
            days_before: raw.days_before,
            text: raw.text,
            filter,
            cited,
        });
    }
    for entry in after {
        let raw = entry.value;
        let at = At::new(file, entry.span, "after", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        if raw.until_day < raw.from_day {
            check.report(
                &at,
                "until_day",
                format!("must not be before from_day ({})", raw.from_day),
            );
        }
        if raw.until_day > 365 {
            check.report(&at, "until_day", "must be at most 365");
        }
        let filter = care_filter(check, &at, raw.regions_any, raw.history, vocabulary);
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        care.after.push(AfterItem {
            id: raw.id,
            from_day: raw.from_day,
            until_day: raw.until_day,
            text: raw.text,
            filter,
            clinician_choice: raw.clinician_choice,
            cited,
        });
    }
    for entry in expected {
        let at = At::new(file, entry.span, "expected", &entry.value.id);
        check.unique(&at, &mut seen, &entry.value.id);
        care.expected
            .push(expected_effect(check, &at, entry.value, known));
    }
    for entry in warning_signs {
        let raw = entry.value;
        let at = At::new(file, entry.span, "warning_sign", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        care.warning_signs.push(WarningSign {
            id: raw.id,
            text: raw.text,
            cited,
        });
    }
    Some(care)
}

fn expected_effect(check: &mut Checker, at: &At<'_>, raw: raw::RawExpected, known: &Known) -> ExpectedEffect {
    let mut windows = Vec::new();
    for window in &raw.windows {
        let up_to = check.depth(at, "windows", window.up_to_mm);
        if windows
            .last()
            .is_some_and(|(previous, _): &(Mm, u32)| *previous >= up_to)
        {
            check.report(at, "windows", "list windows from the shallowest depth up");
        }
        if window.days < raw.from_day {
            check.report(
                at,
                "windows",
                format!("a window ends before from_day ({})", raw.from_day),
            );
        }
        windows.push((up_to, window.days));
    }
    if raw.deeper_days < raw.from_day {
        check.report(
            at,
            "deeper_days",
            format!("must not be before from_day ({})", raw.from_day),
        );
    }
    let min_depth = raw.min_depth_mm.map(|d| check.depth(at, "min_depth_mm", d));
    let cited = check.cited(at, &raw.sources, &raw.evidence, known);
    ExpectedEffect {
        id: raw.id,
        from_day: raw.from_day,
        windows,
        deeper_days: raw.deeper_days,
        min_depth,
        text: raw.text,
        cited,
    }
}
