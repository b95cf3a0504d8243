//! Reading a protocol: parse each file, then check every entry and every cross-reference,
//! collecting all problems with file, line and field. A protocol with any problem does not load.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use serde::de::DeserializeOwned;

use super::raw::{self, RawWhen};
use super::*;
use crate::evidence::Evidence;

/// The longest interval, floor or lengthening a protocol may set: two years. Keeps every date
/// computed from them well inside the calendar.
const MAX_INTERVAL_DAYS: u32 = 730;

/// One thing wrong with a protocol folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolProblem {
    /// Where the file came from: a path, or `embedded:<name>`.
    pub file: String,
    pub line: Option<usize>,
    /// The entry and field, e.g. `zone[forehead].max_mm`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ProtocolProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: ", self.file, line)?,
            None => write!(f, "{}: ", self.file)?,
        }
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// An entry of a file: where it is, and how to name it in messages.
struct At<'f> {
    file: &'f ProtocolFile<'f>,
    span: Range<usize>,
    path: String,
}

impl<'f> At<'f> {
    fn new(file: &'f ProtocolFile<'f>, span: Range<usize>, list: &str, id: &str) -> At<'f> {
        At {
            file,
            span,
            path: format!("{list}[{id}]"),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.bytes().filter(|b| *b == b'\n').count() + 1
}

/// The line where `key = ...` is written inside an entry, or the entry's first line. The span of
/// an `[[entry]]` covers its header only, so the search runs on to the next table header.
fn key_line(text: &str, span: &Range<usize>, key: &str) -> usize {
    let first = line_of(text, span.start);
    let body = text.get(span.start..).unwrap_or("");
    for (i, line) in body.lines().enumerate() {
        if i > 0 && line.starts_with('[') {
            break;
        }
        if let Some(rest) = line.trim_start().strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return first + i;
        }
    }
    first
}

#[derive(Default)]
struct Checker {
    problems: Vec<ProtocolProblem>,
}

impl Checker {
    fn report(&mut self, at: &At<'_>, key: &str, message: impl Into<String>) {
        // `when.wait_days` is written inside `when = { ... }`: find the line of the outer key.
        let outer = key.split('.').next().unwrap_or(key);
        let line = key_line(at.file.text, &at.span, outer);
        let field = if key.is_empty() {
            at.path.clone()
        } else {
            format!("{}.{key}", at.path)
        };
        self.problems.push(ProtocolProblem {
            file: at.file.origin.to_string(),
            line: Some(line),
            field,
            message: message.into(),
        });
    }

    fn report_file(&mut self, file: &str, message: impl Into<String>) {
        self.problems.push(ProtocolProblem {
            file: file.to_string(),
            line: None,
            field: String::new(),
            message: message.into(),
        });
    }

    fn parse<T: DeserializeOwned>(&mut self, file: &ProtocolFile<'_>) -> Option<T> {
        match toml::from_str::<T>(file.text) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                let line = error.span().map(|span| line_of(file.text, span.start));
                self.problems.push(ProtocolProblem {
                    file: file.origin.to_string(),
                    line,
                    field: String::new(),
                    message: error.message().trim().to_string(),
                });
                None
            }
        }
    }

    fn depth(&mut self, at: &At<'_>, key: &str, value: f64) -> Mm {
        Mm::from_mm(value).unwrap_or_else(|problem| {
            self.report(at, key, problem.to_string());
            Mm::ZERO
        })
    }

    fn range(&mut self, at: &At<'_>, min_mm: f64, max_mm: f64) -> DepthRange {
        let min = self.depth(at, "min_mm", min_mm);
        let max = self.depth(at, "max_mm", max_mm);
        DepthRange::new(min, max).unwrap_or_else(|| {
            self.report(at, "max_mm", format!("must not be below min_mm ({min} mm)"));
            DepthRange { min, max: min }
        })
    }

    fn cited(
        &mut self,
        at: &At<'_>,
        sources: &[String],
        evidence: &[String],
        known: &BTreeSet<&str>,
    ) -> Cited {
        self.cited_at(at, "", sources, evidence, known)
    }

    /// Sources and evidence of an entry, or of a sub-table of it (`prefix` = "advisory.").
    fn cited_at(
        &mut self,
        at: &At<'_>,
        prefix: &str,
        sources: &[String],
        evidence: &[String],
        known: &BTreeSet<&str>,
    ) -> Cited {
        let sources_key = format!("{prefix}sources");
        let evidence_key = format!("{prefix}evidence");
        if sources.is_empty() {
            self.report(at, &sources_key, "cite at least one source id from sources.toml");
        }
        for source in sources {
            if !known.contains(source.as_str()) {
                self.report(
                    at,
                    &sources_key,
                    format!("unknown source id `{source}`: add it to sources.toml"),
                );
            }
        }
        if evidence.is_empty() {
            self.report(
                at,
                &evidence_key,
                "give at least one evidence tag (C, P, M, R, K or D)",
            );
        }
        let mut tags = Vec::new();
        for tag in evidence {
            match Evidence::from_letter(tag) {
                Some(parsed) => tags.push(parsed),
                None => self.report(
                    at,
                    &evidence_key,
                    format!("unknown evidence tag `{tag}`; expected one of C, P, M, R, K, D"),
                ),
            }
        }
        Cited {
            sources: sources.to_vec(),
            evidence: tags,
        }
    }

    fn unique(&mut self, at: &At<'_>, seen: &mut BTreeSet<String>, id: &str) {
        if id.trim().is_empty() {
            self.report(at, "id", "must not be empty");
        } else if !seen.insert(id.to_string()) {
            self.report(at, "id", format!("`{id}` is used twice"));
        }
    }

    fn fitzpatrick_list(&mut self, at: &At<'_>, key: &str, types: &[u8]) {
        for t in types {
            if !(1..=6).contains(t) {
                self.report(
                    at,
                    key,
                    format!("Fitzpatrick type {t} does not exist; types are 1 to 6"),
                );
            }
        }
    }

    fn history_flag(&mut self, at: &At<'_>, key: &str, name: &str) -> Option<HistoryFlag> {
        let flag = HistoryFlag::from_name(name);
        if flag.is_none() {
            let valid: Vec<&str> = HistoryFlag::ALL.iter().map(|f| f.name()).collect();
            self.report(
                at,
                key,
                format!(
                    "unknown yes/no history question `{name}`; expected one of: {}",
                    valid.join(", ")
                ),
            );
        }
        flag
    }

    fn known_ids(&mut self, at: &At<'_>, key: &str, ids: &[String], known: &BTreeSet<&str>, what: &str) {
        for id in ids {
            if !known.contains(id.as_str()) {
                let valid: Vec<&str> = known.iter().copied().collect();
                self.report(
                    at,
                    key,
                    format!("unknown {what} `{id}`; expected one of: {}", valid.join(", ")),
                );
            }
        }
    }
}

fn find<'a>(files: &'a [ProtocolFile<'a>], name: &str) -> Option<&'a ProtocolFile<'a>> {
    files.iter().find(|f| f.name == name)
}

pub(super) fn load(files: &[ProtocolFile<'_>]) -> Result<Protocol, Vec<ProtocolProblem>> {
    let mut check = Checker::default();
    for file in files {
        if !FILE_NAMES.contains(&file.name) {
            check.report_file(
                file.origin,
                format!(
                    "not a protocol file; a protocol folder holds only: {}",
                    FILE_NAMES.join(", ")
                ),
            );
        }
    }
    let mut get = |name: &str| {
        let file = find(files, name);
        if file.is_none() {
            check.report_file(name, "missing from the protocol");
        }
        file
    };
    let (Some(manifest_file), Some(sources_file), Some(zones_file), Some(concerns_file), Some(devices_file)) = (
        get("protocol.toml"),
        get("sources.toml"),
        get("zones.toml"),
        get("concerns.toml"),
        get("devices.toml"),
    ) else {
        return Err(check.problems);
    };
    let (Some(screening_file), Some(procedure_file), Some(planning_file), Some(care_file)) = (
        get("screening.toml"),
        get("procedure.toml"),
        get("planning.toml"),
        get("care.toml"),
    ) else {
        return Err(check.problems);
    };

    let manifest = check.parse::<raw::ManifestFile>(manifest_file);
    let sources = check.parse::<raw::SourcesFile>(sources_file);
    let zones = check.parse::<raw::ZonesFile>(zones_file);
    let concerns = check.parse::<raw::ConcernsFile>(concerns_file);
    let devices = check.parse::<raw::DevicesFile>(devices_file);
    let screening = check.parse::<raw::ScreeningFile>(screening_file);
    let procedure = check.parse::<raw::ProcedureFile>(procedure_file);
    let planning = check.parse::<raw::PlanningFile>(planning_file);
    let care = check.parse::<raw::CareFile>(care_file);
    let (
        Some(manifest),
        Some(sources),
        Some(zones),
        Some(concerns),
        Some(devices),
        Some(screening),
        Some(procedure),
        Some(planning),
        Some(care),
    ) = (
        manifest, sources, zones, concerns, devices, screening, procedure, planning, care,
    )
    else {
        return Err(check.problems);
    };

    let sources = load_sources(&mut check, sources_file, sources);
    let known_sources: BTreeSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    // Spans of each entry, kept for the cross-file checks that run after conversion.
    let zone_spans: Vec<Range<usize>> = zones.zone.iter().map(|z| z.span()).collect();
    let concern_spans: Vec<Range<usize>> = concerns.concern.iter().map(|c| c.span()).collect();
    let zone_list = load_zones(&mut check, zones_file, zones, &known_sources);
    let concern_list = load_concerns(&mut check, concerns_file, concerns, &known_sources);
    let vocabulary = Vocabulary::new(&zone_list, &concern_list);
    check_zone_extensions(&mut check, zones_file, &zone_list, &zone_spans, &vocabulary);
    check_concern_regions(
        &mut check,
        concerns_file,
        &concern_list,
        &concern_spans,
        &vocabulary,
    );
    let (device_classes, device_models) =
        load_devices(&mut check, devices_file, devices, &known_sources, &vocabulary);
    let (conditions, unstated_severity, rules) =
        load_screening(&mut check, screening_file, screening, &known_sources, &vocabulary);
    let (steps, anaesthetics) = load_procedure(&mut check, procedure_file, procedure, &known_sources);
    let (depth, series) = load_planning(&mut check, planning_file, planning, &known_sources);
    let care = load_care(&mut check, care_file, care, &known_sources, &vocabulary);

    if manifest.name.trim().is_empty() || manifest.version.trim().is_empty() {
        check.report_file(manifest_file.origin, "name and version must not be empty");
    }
    if !check.problems.is_empty() {
        return Err(check.problems);
    }
    Ok(Protocol {
        name: manifest.name,
        version: manifest.version,
        sources,
        zones: zone_list,
        concerns: concern_list,
        device_classes,
        device_models,
        conditions,
        unstated_severity,
        rules,
        steps,
        anaesthetics,
        depth,
        series,
        care,
    })
}

/// Ids defined by the zone and concern files, for cross-reference checks.
struct Vocabulary {
    zones: BTreeSet<String>,
    regions: BTreeSet<String>,
    concerns: BTreeSet<String>,
}

impl Vocabulary {
    fn new(zones: &[Zone], concerns: &[Concern]) -> Vocabulary {
        Vocabulary {
            zones: zones.iter().map(|z| z.id.clone()).collect(),
            regions: zones.iter().map(|z| z.region.clone()).collect(),
            concerns: concerns.iter().map(|c| c.id.clone()).collect(),
        }
    }

    fn zone_ids(&self) -> BTreeSet<&str> {
        self.zones.iter().map(String::as_str).collect()
    }

    fn region_ids(&self) -> BTreeSet<&str> {
        self.regions.iter().map(String::as_str).collect()
    }

    fn concern_ids(&self) -> BTreeSet<&str> {
        self.concerns.iter().map(String::as_str).collect()
    }
}

fn load_sources(check: &mut Checker, file: &ProtocolFile<'_>, parsed: raw::SourcesFile) -> Vec<Source> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for entry in parsed.source {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "source", &raw.id);
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
    out
}

fn load_zones(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    parsed: raw::ZonesFile,
    known: &BTreeSet<&str>,
) -> Vec<Zone> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for entry in parsed.zone {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "zone", &raw.id);
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
    out
}

fn check_zone_extensions(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    zones: &[Zone],
    spans: &[Range<usize>],
    vocabulary: &Vocabulary,
) {
    for (zone, span) in zones.iter().zip(spans.iter().cloned()) {
        if let Some(ext) = &zone.extended {
            let at = At::new(file, span, "zone", &zone.id);
            check.known_ids(
                &at,
                "extended.concerns",
                &ext.concerns,
                &vocabulary.concern_ids(),
                "concern",
            );
        }
    }
}

fn load_concerns(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    parsed: raw::ConcernsFile,
    known: &BTreeSet<&str>,
) -> Vec<Concern> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for entry in parsed.concern {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "concern", &raw.id);
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
    out
}

fn check_concern_regions(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    concerns: &[Concern],
    spans: &[Range<usize>],
    vocabulary: &Vocabulary,
) {
    for (concern, span) in concerns.iter().zip(spans.iter().cloned()) {
        let at = At::new(file, span, "concern", &concern.id);
        check.known_ids(
            &at,
            "regions",
            &concern.regions,
            &vocabulary.region_ids(),
            "region",
        );
    }
}

fn load_devices(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    parsed: raw::DevicesFile,
    known: &BTreeSet<&str>,
    vocabulary: &Vocabulary,
) -> (Vec<DeviceClass>, Vec<DeviceModel>) {
    let mut seen = BTreeSet::new();
    let mut classes = Vec::new();
    for entry in parsed.class {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "class", &raw.id);
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
    let mut models = Vec::new();
    for entry in parsed.model {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "model", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
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
                &vocabulary.concern_ids(),
                "concern",
            );
        }
        let fitzpatrick_concerns: Vec<String> = raw.labelled_fitzpatrick_max.keys().cloned().collect();
        check.known_ids(
            &at,
            "labelled_fitzpatrick_max",
            &fitzpatrick_concerns,
            &vocabulary.concern_ids(),
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
    (classes, models)
}

fn severity(check: &mut Checker, at: &At<'_>, key: &str, name: &str) -> Option<Severity> {
    let parsed = Severity::from_name(name);
    if parsed.is_none() {
        check.report(
            at,
            key,
            format!("unknown severity `{name}`; expected mild, moderate or severe"),
        );
    }
    parsed
}

fn load_screening(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    parsed: raw::ScreeningFile,
    known: &BTreeSet<&str>,
    vocabulary: &Vocabulary,
) -> (Vec<ConditionDef>, Severity, Vec<Rule>) {
    let settings_span = parsed.settings.unstated_severity.span();
    let settings_at = At {
        file,
        span: settings_span,
        path: "settings".into(),
    };
    let unstated = parsed.settings.unstated_severity.into_inner();
    let unstated_severity =
        severity(check, &settings_at, "unstated_severity", &unstated).unwrap_or(Severity::Severe);

    let mut seen = BTreeSet::new();
    let mut conditions = Vec::new();
    for entry in parsed.condition {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "condition", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        conditions.push(ConditionDef {
            id: raw.id,
            label: raw.label,
            lasting: raw.lasting,
        });
    }
    let condition_ids: BTreeSet<&str> = conditions.iter().map(|c| c.id.as_str()).collect();

    let mut seen_rules = BTreeSet::new();
    let mut rules = Vec::new();
    for entry in parsed.rule {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "rule", &raw.id);
        check.unique(&at, &mut seen_rules, &raw.id);
        let effect = Effect::from_name(&raw.effect);
        if effect.is_none() {
            let valid: Vec<&str> = Effect::ALL.iter().map(|e| e.name()).collect();
            check.report(
                &at,
                "effect",
                format!(
                    "unknown effect `{}`; expected one of: {}",
                    raw.effect,
                    valid.join(", ")
                ),
            );
        }
        let trigger = trigger(check, &at, &raw.when, &condition_ids);
        check.known_ids(
            &at,
            "when.zones_any",
            &raw.when.zones_any,
            &vocabulary.zone_ids(),
            "zone",
        );
        check.known_ids(
            &at,
            "when.regions_any",
            &raw.when.regions_any,
            &vocabulary.region_ids(),
            "region",
        );
        if let (Some(effect), Some(trigger)) = (effect, &trigger) {
            let dated = matches!(trigger, Trigger::HistoryDate { .. });
            if (effect == Effect::Defer) != dated {
                check.report(&at, "effect", "`defer` goes with a `history_date` trigger and only with it: the waiting period needs a date");
            }
            if effect == Effect::ExcludeZone && !matches!(trigger, Trigger::Condition { .. }) {
                check.report(
                    &at,
                    "effect",
                    "`exclude_zone` needs a `condition` trigger: the condition says which zones",
                );
            }
        }
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        if raw.message.trim().is_empty() {
            check.report(&at, "message", "must say why the rule fires, in plain words");
        }
        if let (Some(effect), Some(trigger)) = (effect, trigger) {
            rules.push(Rule {
                id: raw.id,
                effect,
                trigger,
                zones_any: raw.when.zones_any,
                regions_any: raw.when.regions_any,
                message: raw.message,
                cited,
            });
        }
    }
    (conditions, unstated_severity, rules)
}

fn trigger(check: &mut Checker, at: &At<'_>, when: &RawWhen, conditions: &BTreeSet<&str>) -> Option<Trigger> {
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
            "give exactly one of history, history_date, condition, age_under, fitzpatrick_at_least",
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
        return check.history_flag(at, "when.history", name).map(Trigger::History);
    }
    if let Some(name) = &when.history_date {
        let field = HistoryDate::from_name(name);
        if field.is_none() {
            let valid: Vec<&str> = HistoryDate::ALL.iter().map(|f| f.name()).collect();
            check.report(
                at,
                "when.history_date",
                format!(
                    "unknown dated history question `{name}`; expected one of: {}",
                    valid.join(", ")
                ),
            );
        }
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
        return field
            .zip(wait)
            .map(|(field, wait)| Trigger::HistoryDate { field, wait });
    }
    if let Some(condition) = &when.condition {
        if !conditions.contains(condition.as_str()) {
            let valid: Vec<&str> = conditions.iter().copied().collect();
            check.report(
                at,
                "when.condition",
                format!(
                    "unknown condition `{condition}`; expected one of: {}",
                    valid.join(", ")
                ),
            );
        }
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
        return Some(Trigger::Condition {
            condition: condition.clone(),
            severity_at_least: at_least,
            severity_at_most: at_most,
        });
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

fn load_procedure(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    parsed: raw::ProcedureFile,
    known: &BTreeSet<&str>,
) -> (Vec<Step>, Vec<Anaesthetic>) {
    let mut seen = BTreeSet::new();
    let mut steps = Vec::new();
    let mut needling_steps = 0;
    for entry in parsed.step {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "step", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        let kind = match raw.kind.as_deref() {
            None | Some("fixed") => StepKind::Fixed,
            Some("numbing") => StepKind::Numbing,
            Some("needling") => {
                needling_steps += 1;
                StepKind::Needling
            }
            Some(other) => {
                check.report(
                    &at,
                    "kind",
                    format!("unknown step kind `{other}`; expected fixed, numbing or needling"),
                );
                StepKind::Fixed
            }
        };
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
    for entry in parsed.anaesthetic {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "anaesthetic", &raw.id);
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
    (steps, anaesthetics)
}

fn load_planning(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    parsed: raw::PlanningFile,
    known: &BTreeSet<&str>,
) -> (DepthSettings, SeriesSettings) {
    let depth_at = At {
        file,
        span: parsed.depth.span(),
        path: "depth".into(),
    };
    let depth = parsed.depth.into_inner();
    let step = check.depth(&depth_at, "step_mm", depth.step_mm);
    if step == Mm::ZERO || step > Mm::from_hundredths(50) {
        check.report(&depth_at, "step_mm", "must be above 0 and at most 0.5 mm");
    }
    check.fitzpatrick_list(
        &depth_at,
        "first_session_lower_half_fitzpatrick",
        &depth.first_session_lower_half_fitzpatrick,
    );
    let mut endpoints: Vec<(Mm, String)> = Vec::new();
    for endpoint in depth.endpoints {
        let up_to = check.depth(&depth_at, "endpoints", endpoint.up_to_mm);
        if endpoints.last().is_some_and(|(previous, _)| *previous >= up_to) {
            check.report(
                &depth_at,
                "endpoints",
                "list end-points from the shallowest depth up",
            );
        }
        endpoints.push((up_to, endpoint.text));
    }
    let depth_cited = check.cited(&depth_at, &depth.sources, &depth.evidence, known);

    let series_at = At {
        file,
        span: parsed.series.span(),
        path: "series".into(),
    };
    let series = parsed.series.into_inner();
    if series.floor_days > MAX_INTERVAL_DAYS {
        check.report(
            &series_at,
            "floor_days",
            format!("must be at most {MAX_INTERVAL_DAYS} days"),
        );
    }
    if series.lengthen_for_darker_skin_days > MAX_INTERVAL_DAYS {
        check.report(
            &series_at,
            "lengthen_for_darker_skin_days",
            format!("must be at most {MAX_INTERVAL_DAYS} days"),
        );
    }
    if series.floor_days == 0 {
        check.report(&series_at, "floor_days", "must be at least 1 day");
    }
    check.fitzpatrick_list(
        &series_at,
        "lengthen_for_darker_skin_fitzpatrick",
        &series.lengthen_for_darker_skin_fitzpatrick,
    );
    let series_cited = check.cited(&series_at, &series.sources, &series.evidence, known);
    (
        DepthSettings {
            step,
            first_session_lower_half_fitzpatrick: depth.first_session_lower_half_fitzpatrick,
            endpoints,
            deeper_endpoint: depth.deeper_endpoint,
            darker_skin_first_session_endpoint: depth.darker_skin_first_session_endpoint,
            cited: depth_cited,
        },
        SeriesSettings {
            floor_days: series.floor_days,
            lengthen_for_darker_skin_days: series.lengthen_for_darker_skin_days,
            lengthen_for_darker_skin_fitzpatrick: series.lengthen_for_darker_skin_fitzpatrick,
            cited: series_cited,
        },
    )
}

fn care_filter(
    check: &mut Checker,
    at: &At<'_>,
    regions_any: Vec<String>,
    history: Option<String>,
    vocabulary: &Vocabulary,
) -> CareFilter {
    check.known_ids(
        at,
        "regions_any",
        &regions_any,
        &vocabulary.region_ids(),
        "region",
    );
    let history = history.and_then(|name| check.history_flag(at, "history", &name));
    CareFilter { regions_any, history }
}

fn load_care(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    parsed: raw::CareFile,
    known: &BTreeSet<&str>,
    vocabulary: &Vocabulary,
) -> CareProtocol {
    let mut seen = BTreeSet::new();
    let mut care = CareProtocol::default();
    for entry in parsed.before {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "before", &raw.id);
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
    for entry in parsed.after {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "after", &raw.id);
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
            cited,
        });
    }
    for entry in parsed.expected {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "expected", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        let mut windows = Vec::new();
        for window in &raw.windows {
            let up_to = check.depth(&at, "windows", window.up_to_mm);
            if windows
                .last()
                .is_some_and(|(previous, _): &(Mm, u32)| *previous >= up_to)
            {
                check.report(&at, "windows", "list windows from the shallowest depth up");
            }
            if window.days < raw.from_day {
                check.report(
                    &at,
                    "windows",
                    format!("a window ends before from_day ({})", raw.from_day),
                );
            }
            windows.push((up_to, window.days));
        }
        if raw.deeper_days < raw.from_day {
            check.report(
                &at,
                "deeper_days",
                format!("must not be before from_day ({})", raw.from_day),
            );
        }
        let min_depth = raw.min_depth_mm.map(|d| check.depth(&at, "min_depth_mm", d));
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        care.expected.push(ExpectedEffect {
            id: raw.id,
            from_day: raw.from_day,
            windows,
            deeper_days: raw.deeper_days,
            min_depth,
            text: raw.text,
            cited,
        });
    }
    for entry in parsed.warning_sign {
        let span = entry.span();
        let raw = entry.into_inner();
        let at = At::new(file, span, "warning_sign", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        care.warning_signs.push(WarningSign {
            id: raw.id,
            text: raw.text,
            cited,
        });
    }
    care
}
