//! sources.toml, zones.toml, concerns.toml and devices.toml: where the needle goes, for what, and
//! with which device.

use std::collections::BTreeSet;
use std::ops::Range;

use super::Vocabulary;
use super::check::{At, Checker, Known};
use super::document::{Document, Entry, Unread};
use crate::protocol::raw;
use crate::protocol::{
    Advisory, Concern, DeviceClass, DeviceModel, ExtendedMax, IntervalDays, ProtocolFile, Source, Zone,
};

/// The longest interval, floor or lengthening a protocol may set: two years. Keeps every date
/// computed from them well inside the calendar.
pub(super) const MAX_INTERVAL_DAYS: u32 = 730;

pub(super) fn load_sources(check: &mut Checker, doc: Option<Document<'_>>) -> Option<Vec<Source>> {
    let mut doc = doc?;
    let (entries, unread) = doc.list::<raw::RawSource>(check, "source", true);
    let file = doc.file;
    doc.finish(check, &["source"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for entry in entries {
        let raw = entry.value;
        let at = At::new(file, entry.span, "source", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        let well_formed = raw.id.strip_prefix('S').is_some_and(|n| {
            let digits = n.trim_end_matches(|c: char| c.is_ascii_lowercase());
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        });
        if !well_formed {
            check.report(&at, "id", "source ids are the reference's S-numbers, such as S24");
        }
        out.push(Source {
            id: raw.id,
            citation: raw.citation,
        });
    }
    // An unreadable entry is reported; citing it is not reported a second time.
    out.extend(unread.into_iter().map(|id| Source {
        id,
        citation: String::new(),
    }));
    Some(out)
}

/// Read entries with where each is written (for checks that run once every file is read).
pub(super) struct Loaded<T> {
    pub list: Vec<T>,
    pub spans: Vec<Range<usize>>,
    pub unread: Unread,
}

pub(super) fn load_zones(
    check: &mut Checker,
    doc: Option<Document<'_>>,
    known: &Known,
) -> Option<Loaded<Zone>> {
    let mut doc = doc?;
    let (entries, unread) = doc.list::<raw::RawZone>(check, "zone", true);
    let file = doc.file;
    doc.finish(check, &["zone"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut spans = Vec::new();
    for entry in entries {
        let raw = entry.value;
        spans.push(entry.span.clone());
        let at = At::new(file, entry.span, "zone", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        let bounds = check.range(&at, raw.min_mm, raw.max_mm);
        let extended = raw.extended.map(|ext| {
            let max = check.depth(&at, "extended.max_mm", ext.max_mm);
            if max <= bounds.max {
                check.report(
                    &at,
                    "extended.max_mm",
                    format!("must be above max_mm ({} mm) to extend it", bounds.max),
                );
            }
            ExtendedMax {
                max,
                concerns: ext.concerns,
            }
        });
        if raw.region.trim().is_empty() {
            check.report(&at, "region", "must not be empty");
        }
        if raw.needling_minutes == 0 || raw.needling_minutes > 240 {
            check.report(&at, "needling_minutes", "must be between 1 and 240");
        }
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        out.push(Zone {
            id: raw.id,
            label: raw.label,
            region: raw.region,
            bounds,
            extended,
            needling_minutes: raw.needling_minutes,
            restriction: raw.restriction,
            note: raw.note,
            cited,
        });
    }
    Some(Loaded {
        list: out,
        spans,
        unread,
    })
}

pub(super) fn check_zone_extensions(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    zones: &Loaded<Zone>,
    vocabulary: &Vocabulary,
) {
    for (zone, span) in zones.list.iter().zip(&zones.spans) {
        if let Some(ext) = &zone.extended {
            let at = At::new(file, span.clone(), "zone", &zone.id);
            check.known_ids(
                &at,
                "extended.concerns",
                &ext.concerns,
                &vocabulary.concerns,
                "concern",
            );
        }
    }
}

pub(super) fn load_concerns(
    check: &mut Checker,
    doc: Option<Document<'_>>,
    known: &Known,
) -> Option<Loaded<Concern>> {
    let mut doc = doc?;
    let (entries, unread) = doc.list::<raw::RawConcern>(check, "concern", true);
    let file = doc.file;
    doc.finish(check, &["concern"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut spans = Vec::new();
    for entry in entries {
        let raw = entry.value;
        spans.push(entry.span.clone());
        let at = At::new(file, entry.span, "concern", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        let range = check.range(&at, raw.min_mm, raw.max_mm);
        if raw.sessions == 0 || raw.sessions > 52 {
            check.report(&at, "sessions", "must be between 1 and 52");
        }
        if raw.interval_max_days > MAX_INTERVAL_DAYS {
            check.report(
                &at,
                "interval_max_days",
                format!("must be at most {MAX_INTERVAL_DAYS} days"),
            );
        }
        if raw.interval_min_days == 0 {
            check.report(&at, "interval_min_days", "must be at least 1 day");
        }
        if raw.interval_max_days < raw.interval_min_days {
            check.report(
                &at,
                "interval_max_days",
                format!("must not be below interval_min_days ({})", raw.interval_min_days),
            );
        }
        if raw.regions.is_empty() {
            check.report(&at, "regions", "name at least one region");
        }
        let advisory = raw.advisory.map(|a| Advisory {
            cited: check.cited_at(&at, "advisory.", &a.sources, &a.evidence, known),
            message: a.message,
        });
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        out.push(Concern {
            id: raw.id,
            label: raw.label,
            regions: raw.regions,
            range,
            sessions: raw.sessions,
            interval: IntervalDays {
                min: raw.interval_min_days,
                max: raw.interval_max_days,
            },
            lengthen_for_darker_skin: raw.lengthen_for_darker_skin.unwrap_or(true),
            note: raw.note,
            advisory,
            cited,
        });
    }
    Some(Loaded {
        list: out,
        spans,
        unread,
    })
}

pub(super) fn check_concern_regions(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    concerns: &Loaded<Concern>,
    vocabulary: &Vocabulary,
) {
    for (concern, span) in concerns.list.iter().zip(&concerns.spans) {
        let at = At::new(file, span.clone(), "concern", &concern.id);
        check.known_ids(&at, "regions", &concern.regions, &vocabulary.regions, "region");
    }
}

pub(super) fn load_devices(
    check: &mut Checker,
    doc: Option<Document<'_>>,
    known: &Known,
    vocabulary: &Vocabulary,
) -> Option<(Vec<DeviceClass>, Vec<DeviceModel>)> {
    let mut doc = doc?;
    let (class_entries, _) = doc.list::<raw::RawDeviceClass>(check, "class", true);
    let (model_entries, _) = doc.list::<raw::RawDeviceModel>(check, "model", false);
    let file = doc.file;
    doc.finish(check, &["class", "model"]);
    let mut seen = BTreeSet::new();
    let mut classes = Vec::new();
    for entry in class_entries {
        let raw = entry.value;
        let at = At::new(file, entry.span, "class", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        let range = check.range(&at, raw.min_mm, raw.max_mm);
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        classes.push(DeviceClass {
            id: raw.id,
            label: raw.label,
            range,
            note: raw.note,
            cited,
        });
    }
    let models = load_models(check, file, model_entries, &classes, &mut seen, known, vocabulary);
    Some((classes, models))
}

fn load_models(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    model_entries: Vec<Entry<raw::RawDeviceModel>>,
    classes: &[DeviceClass],
    seen: &mut BTreeSet<String>,
    known: &Known,
    vocabulary: &Vocabulary,
) -> Vec<DeviceModel> {
    let mut models = Vec::new();
    for entry in model_entries {
        let raw = entry.value;
        let at = At::new(file, entry.span, "model", &raw.id);
        check.unique(&at, seen, &raw.id);
        let range = check.range(&at, raw.min_mm, raw.max_mm);
        match classes.iter().find(|c| c.id == raw.class) {
            None => {
                let valid: Vec<&str> = classes.iter().map(|c| c.id.as_str()).collect();
                check.report(
                    &at,
                    "class",
                    format!(
                        "unknown device class `{}`; expected one of: {}",
                        raw.class,
                        valid.join(", ")
                    ),
                );
            }
            Some(class) if !class.range.contains_range(range) => {
                check.report(
                    &at,
                    "max_mm",
                    format!(
                        "the model's range {range} lies outside its class's range {}",
                        class.range
                    ),
                );
            }
            Some(_) => {}
        }
        if let Some(indications) = &raw.labelled_indications {
            check.known_ids(
                &at,
                "labelled_indications",
                indications,
                &vocabulary.concerns,
                "concern",
            );
        }
        let fitzpatrick_concerns: Vec<String> = raw.labelled_fitzpatrick_max.keys().cloned().collect();
        check.known_ids(
            &at,
            "labelled_fitzpatrick_max",
            &fitzpatrick_concerns,
            &vocabulary.concerns,
            "concern",
        );
        let types: Vec<u8> = raw.labelled_fitzpatrick_max.values().copied().collect();
        check.fitzpatrick_list(&at, "labelled_fitzpatrick_max", &types);
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        models.push(DeviceModel {
            id: raw.id,
            label: raw.label,
            class: raw.class,
            range,
            orbital_rim_block: raw.orbital_rim_block,
            labelled_indications: raw.labelled_indications,
            labelled_min_age: raw.labelled_min_age,
            labelled_fitzpatrick_max: raw.labelled_fitzpatrick_max,
            authorisation: raw.authorisation,
            note: raw.note,
            cited,
        });
    }
    models
}
