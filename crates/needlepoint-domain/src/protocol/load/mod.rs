//! Reading a protocol: parse each file, then check every entry and every cross-reference,
//! collecting all problems with file, line and field. A file that cannot be read does not stop
//! the others from being checked; a protocol with any problem does not load.
//!
//! One module per kind of file: `anatomy` (sources, zones, concerns, devices), `screening`,
//! `procedure`, `planning` and `care`; `check` collects problems and `document` reads a file's
//! syntax and entries.

mod anatomy;
mod care;
mod check;
mod document;
mod planning;
mod procedure;
mod questions;
mod screening;

use std::collections::BTreeSet;

pub use check::ProtocolProblem;

use self::check::{Checker, Known};
use self::document::Document;
use super::{EMBEDDED, FILE_NAMES, Protocol, ProtocolFile, Zone};

/// Ids defined by one file and referred to from others. `None` when the defining file could not
/// be read: references are then left unchecked rather than all reported as unknown.
pub(super) struct Vocabulary {
    pub zones: Known,
    pub regions: Known,
    pub concerns: Known,
    pub conditions: Known,
    pub questions: questions::QuestionShapes,
}

fn ids<'a>(list: impl Iterator<Item = &'a String>, unread: &[String]) -> BTreeSet<String> {
    list.cloned().chain(unread.iter().cloned()).collect()
}

fn regions(zones: &[Zone]) -> BTreeSet<String> {
    zones.iter().map(|z| z.region.clone()).collect()
}

/// Every file by name; a missing one is reported. Files that are not protocol files are reported
/// too: a misnamed `zone.toml` must never be silently ignored.
fn documents<'f>(check: &mut Checker, files: &'f [ProtocolFile<'f>]) -> Vec<Option<Document<'f>>> {
    for file in files.iter().filter(|f| !FILE_NAMES.contains(&f.name)) {
        check.report_file(
            file.origin,
            format!(
                "not a protocol file; a protocol folder holds only: {}",
                FILE_NAMES.join(", ")
            ),
        );
    }
    FILE_NAMES
        .iter()
        .map(|name| match files.iter().find(|f| f.name == *name) {
            Some(file) => check.document(file),
            None => {
                check.report_file(name, "missing from the protocol");
                None
            }
        })
        .collect()
}

/// A protocol whose content differs from the built-in one must not carry the built-in's name and
/// version: its plans would be taken for the built-in's.
fn keeps_built_in_identity(
    check: &mut Checker,
    file: &ProtocolFile<'_>,
    name: &str,
    version: &str,
    digest: &str,
) {
    #[derive(serde::Deserialize)]
    struct Manifest {
        name: String,
        version: String,
    }
    let Some(built_in) = EMBEDDED
        .iter()
        .find(|f| f.name == "protocol.toml")
        .and_then(|f| toml::from_str::<Manifest>(f.text).ok())
    else {
        return;
    };
    if built_in.name != name || built_in.version != version || digest == super::digest::embedded() {
        return;
    }
    let line = file
        .text
        .lines()
        .position(|l| l.trim_start().starts_with("version"))
        .map(|i| i + 1);
    check.problems.push(ProtocolProblem {
        file: file.origin.to_string(),
        line,
        field: "version".into(),
        message: format!(
            "this protocol's content differs from the built-in protocol's ({digest}, not {}) but keeps its name and version \
             (\"{name}\" {version}): give this protocol its own name or version, so that its plans are not taken for the built-in's",
            super::digest::embedded()
        ),
    });
}

/// protocol.toml: the name and version.
fn read_manifest(check: &mut Checker, doc: Option<Document<'_>>) -> Option<(String, String)> {
    let mut doc = doc?;
    let name = doc.value::<String>(check, "name", "the protocol's name");
    let version = doc.value::<String>(check, "version", "the protocol's version");
    let file = doc.file;
    doc.finish(check, &["name", "version"]);
    let (name, version) = (name?.value, version?.value);
    if name.trim().is_empty() || version.trim().is_empty() {
        check.report_file(file.origin, "name and version must not be empty");
    }
    Some((name, version))
}

/// Reads every file in the protocol's order (later files refer to earlier ones) and assembles the
/// protocol. Long but flat: one step per file, then the assembly.
#[allow(clippy::too_many_lines, reason = "flat: one step per file, then the assembly")]
pub(super) fn load(files: &[ProtocolFile<'_>]) -> Result<Protocol, Vec<ProtocolProblem>> {
    let mut check = Checker::default();
    let mut docs = documents(&mut check, files).into_iter();
    let mut next = || docs.next().flatten();
    // In FILE_NAMES order.
    let (manifest, sources, zones, concerns, devices) = (next(), next(), next(), next(), next());
    let (questions, mut screening, procedure, planning, care) = (next(), next(), next(), next(), next());

    let manifest_file = manifest.as_ref().map(|d| d.file);
    let manifest = read_manifest(&mut check, manifest);
    let digest = super::digest::of_files(files);
    if let (Some(file), Some((name, version))) = (manifest_file, &manifest) {
        keeps_built_in_identity(&mut check, file, name, version, &digest);
    }
    let sources = anatomy::load_sources(&mut check, sources);
    let known: Known = sources.as_ref().map(|s| s.iter().map(|s| s.id.clone()).collect());
    let zone_file = zones.as_ref().map(|d| d.file);
    let concern_file = concerns.as_ref().map(|d| d.file);
    let zones = anatomy::load_zones(&mut check, zones, &known);
    let concerns = anatomy::load_concerns(&mut check, concerns, &known);
    let (conditions, known_conditions) = screening::load_conditions(&mut check, &mut screening);
    let mut vocabulary = Vocabulary {
        zones: zones
            .as_ref()
            .map(|z| ids(z.list.iter().map(|z| &z.id), &z.unread)),
        regions: zones.as_ref().map(|z| regions(&z.list)),
        concerns: concerns
            .as_ref()
            .map(|c| ids(c.list.iter().map(|c| &c.id), &c.unread)),
        conditions: known_conditions,
        questions: None,
    };
    if let (Some(file), Some(zones)) = (zone_file, &zones) {
        anatomy::check_zone_extensions(&mut check, file, zones, &vocabulary);
    }
    if let (Some(file), Some(concerns)) = (concern_file, &concerns) {
        anatomy::check_concern_regions(&mut check, file, concerns, &vocabulary);
    }
    let devices = anatomy::load_devices(&mut check, devices, &known, &vocabulary);
    let questions = questions::load_questions(&mut check, questions, &known, &vocabulary);
    vocabulary.questions = questions.as_ref().and_then(|q| q.shapes.clone());
    let screening = screening::load_screening(&mut check, screening, conditions, &known, &vocabulary);
    let procedure = procedure::load_procedure(&mut check, procedure, &known, &vocabulary);
    let planning = planning::load_planning(&mut check, planning, &known);
    let care = care::load_care(&mut check, care, &known, &vocabulary);

    let complete = (
        manifest, sources, zones, concerns, devices, questions, screening, procedure, planning, care,
    );
    let (
        Some((name, version)),
        Some(sources),
        Some(zones),
        Some(concerns),
        Some((device_classes, device_models)),
        Some(questions),
        Some(screening),
        Some(procedure),
        Some((depth, series)),
        Some(care),
    ) = complete
    else {
        return Err(check.problems);
    };
    if !check.problems.is_empty() {
        return Err(check.problems);
    }
    Ok(Protocol {
        name,
        version,
        digest,
        sources,
        zones: zones.list,
        concerns: concerns.list,
        device_classes,
        device_models,
        questions: questions.questions,
        checkin_questions: questions.checkin,
        conditions: screening.conditions,
        unstated_severity: screening.unstated_severity,
        referral_carries_waiting_dates: screening.referral_carries_waiting_dates,
        screening_settings_cited: screening.settings_cited,
        rules: screening.rules,
        steps: procedure.steps,
        anaesthetics: procedure.anaesthetics,
        numbing: procedure.numbing,
        depth,
        series,
        care,
    })
}
