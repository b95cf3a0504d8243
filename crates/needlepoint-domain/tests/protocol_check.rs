//! Broken protocol folders: every problem is reported with its file, line and field, and a broken
//! protocol never loads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use needlepoint_domain::protocol::{EMBEDDED, Protocol, ProtocolFile, ProtocolProblem};

/// A clinic's manifest: an edited protocol must not keep the built-in's name and version.
const CLINIC_MANIFEST: &str = "name = \"Rose Clinic protocol\"\nversion = \"1\"\n";

/// The embedded protocol with one file's text replaced, under a clinic's own name.
fn load_with(name: &str, text: &str) -> Result<Protocol, Vec<ProtocolProblem>> {
    let files: Vec<ProtocolFile> = EMBEDDED
        .iter()
        .map(|f| {
            if f.name == name {
                ProtocolFile {
                    name: f.name,
                    origin: "clinic/edited.toml",
                    text,
                }
            } else if f.name == "protocol.toml" {
                ProtocolFile {
                    name: f.name,
                    origin: "clinic/protocol.toml",
                    text: CLINIC_MANIFEST,
                }
            } else {
                *f
            }
        })
        .collect();
    Protocol::from_files(&files)
}

fn embedded(name: &str) -> &'static str {
    EMBEDDED
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.text)
        .unwrap_or("")
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .expect("needle in text")
}

#[test]
fn an_inverted_zone_bound_names_its_line_and_field() {
    let text = embedded("zones.toml").replacen("max_mm = 0.75", "max_mm = 0.1", 1);
    let problems = load_with("zones.toml", &text).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert_eq!(p.file, "clinic/edited.toml");
    assert_eq!(p.field, "zone[forehead].max_mm");
    assert_eq!(p.line, Some(line_of(&text, "max_mm = 0.1")));
    assert!(p.to_string().starts_with(&format!(
        "clinic/edited.toml:{}: zone[forehead].max_mm: ",
        p.line.unwrap_or(0)
    )));
}

#[test]
fn an_unknown_source_id_is_reported() {
    let text =
        embedded("concerns.toml").replacen("sources = [\"S36\", \"S24\"", "sources = [\"S999\", \"S24\"", 1);
    assert_ne!(text, embedded("concerns.toml"));
    let problems = load_with("concerns.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "concern[acne_scars].sources" && p.message.contains("S999")),
        "{problems:?}"
    );
}

#[test]
fn a_missing_citation_or_evidence_tag_is_reported() {
    let text = embedded("screening.toml").replacen("evidence = [\"M\", \"K\"]", "evidence = [\"X\"]", 1);
    let problems = load_with("screening.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "rule[pregnancy].evidence" && p.message.contains("`X`")),
        "{problems:?}"
    );
    let text = embedded("screening.toml").replacen("sources = [\"S24\", \"S77\"]", "sources = []", 1);
    let problems = load_with("screening.toml", &text).unwrap_err();
    assert!(
        problems.iter().any(|p| p.field == "rule[pregnancy].sources"),
        "{problems:?}"
    );
}

#[test]
fn a_toml_syntax_error_names_its_line() {
    let text = format!("{}\n[[zone]\nid = \"broken\"\n", embedded("zones.toml"));
    let problems = load_with("zones.toml", &text).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, Some(text.lines().count() - 1));
}

#[test]
fn an_unknown_key_is_refused() {
    let text = embedded("care.toml").replacen("days_before = 3", "days_before = 3\ndays_after = 1", 1);
    let problems = load_with("care.toml", &text).unwrap_err();
    assert!(problems[0].message.contains("days_after"), "{problems:?}");
    assert_eq!(problems[0].line, Some(line_of(&text, "days_after")));
}

#[test]
fn rule_triggers_are_checked() {
    let text = embedded("screening.toml").replacen(
        "when = { history = \"pregnant\" }",
        "when = { history = \"pregnent\" }",
        1,
    );
    let problems = load_with("screening.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "rule[pregnancy].when.history" && p.message.contains("pregnant")),
        "{problems:?}"
    );
    let text = embedded("screening.toml").replacen("effect = \"hard_stop\"", "effect = \"defer\"", 1);
    let problems = load_with("screening.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "rule[pregnancy].effect" && p.message.contains("history_date")),
        "{problems:?}"
    );
    let text = embedded("screening.toml").replacen("wait_months = 6", "wait_months = 6, wait_days = 3", 1);
    let problems = load_with("screening.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "rule[isotretinoin_recent].when"),
        "{problems:?}"
    );
}

#[test]
fn a_deferral_needs_a_wait_or_a_recheck_and_only_one() {
    let text = embedded("screening.toml").replacen("recheck_days = 7\n", "", 1);
    let problems = load_with("screening.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "rule[sunburn_in_zone].effect" && p.message.contains("recheck_days")),
        "{problems:?}"
    );
    let text = embedded("screening.toml").replacen(
        "when = { history_date = \"tanning_last\", wait_days = 14 }",
        "when = { history_date = \"tanning_last\", wait_days = 14 }\nrecheck_days = 3",
        1,
    );
    let problems = load_with("screening.toml", &text).unwrap_err();
    assert!(
        problems.iter().any(|p| p.field == "rule[tanning_recent].effect"),
        "{problems:?}"
    );
}

#[test]
fn cross_references_between_files_are_checked() {
    let text = embedded("devices.toml").replacen(
        "labelled_indications = [\"acne_scars\"]",
        "labelled_indications = [\"acne\"]",
        1,
    );
    let problems = load_with("devices.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "model[skinpen_precision].labelled_indications"),
        "{problems:?}"
    );
    let text = embedded("concerns.toml").replacen("regions = [\"scalp\"]", "regions = [\"skull\"]", 1);
    let problems = load_with("concerns.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "concern[hair_loss].regions" && p.message.contains("skull")),
        "{problems:?}"
    );
}

#[test]
fn a_model_outside_its_class_range_is_refused() {
    let text = embedded("devices.toml").replacen("max_mm = 1.9", "max_mm = 4.0", 1);
    let problems = load_with("devices.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "model[exceed_unlimited].max_mm"),
        "{problems:?}"
    );
}

#[test]
fn several_problems_are_all_reported() {
    let text = embedded("zones.toml")
        .replacen("max_mm = 0.75", "max_mm = 0.1", 1)
        .replacen("needling_minutes = 8", "needling_minutes = 0", 1)
        .replacen("id = \"nose\"", "id = \"forehead\"", 1);
    let problems = load_with("zones.toml", &text).unwrap_err();
    assert!(problems.len() >= 3, "{problems:?}");
    assert!(problems.iter().any(|p| p.message.contains("used twice")));
}

#[test]
fn a_missing_or_stray_file_is_reported() {
    let files: Vec<ProtocolFile> = EMBEDDED
        .iter()
        .filter(|f| f.name != "care.toml")
        .copied()
        .collect();
    let problems = Protocol::from_files(&files).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.file == "care.toml" && p.message.contains("missing")),
        "{problems:?}"
    );
    let mut files: Vec<ProtocolFile> = EMBEDDED.to_vec();
    files.push(ProtocolFile {
        name: "zone.toml",
        origin: "clinic/zone.toml",
        text: "",
    });
    let problems = Protocol::from_files(&files).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.file == "clinic/zone.toml" && p.message.contains("not a protocol file")),
        "{problems:?}"
    );
}

#[test]
fn series_figures_are_bounded_so_dates_stay_computable() {
    let text = embedded("planning.toml").replacen(
        "lengthen_for_darker_skin_days = 14",
        "lengthen_for_darker_skin_days = 4294967295",
        1,
    );
    let problems = load_with("planning.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "series.lengthen_for_darker_skin_days"),
        "{problems:?}"
    );
    let text = embedded("concerns.toml").replacen("interval_max_days = 14", "interval_max_days = 99999", 1);
    let problems = load_with("concerns.toml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == "concern[hair_loss].interval_max_days"),
        "{problems:?}"
    );
}

/// Issue 11: `protocol check` reports every problem in one run, syntax errors of several files
/// included, never only the first: a file that cannot be read does not stop the others from
/// being checked, and a wrong key in one entry does not hide the next entry's problems.
#[test]
fn every_problem_of_every_file_is_reported_in_one_run() {
    let zones = format!("{}\n[[zone]\nid = \"broken\"\n", embedded("zones.toml"));
    let care = embedded("care.toml").replacen("days_before = 3", "days_before = = 3", 1);
    let concerns = embedded("concerns.toml")
        .replacen("sessions = 3", "sessions = 3\nsesions = 3", 1)
        .replacen("sessions = 4", "sessions = 4\nsesions = 4", 1);
    let planning = embedded("planning.toml").replacen("step_mm = 0.05", "step_mm = 0.0", 1);
    let lines = common::files_with(&[
        ("zones.toml", zones.clone()),
        ("care.toml", care.clone()),
        ("concerns.toml", concerns.clone()),
        ("planning.toml", planning.clone()),
    ])
    .unwrap_err();
    let has = |file: &str, line: usize, text: &str| {
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{file}:{line}: ")) && l.contains(text))
    };
    assert!(
        has("zones.toml", zones.lines().count() - 1, ""),
        "zones.toml's syntax error: {lines:#?}"
    );
    assert!(
        has("care.toml", line_of(&care, "days_before = = 3"), ""),
        "care.toml's syntax error: {lines:#?}"
    );
    assert!(
        has("concerns.toml", line_of(&concerns, "sesions = 3"), "sesions"),
        "the first concern's unknown key: {lines:#?}"
    );
    assert!(
        has("concerns.toml", line_of(&concerns, "sesions = 4"), "sesions"),
        "the second concern's unknown key, after the first: {lines:#?}"
    );
    assert!(
        has(
            "planning.toml",
            line_of(&planning, "step_mm = 0.0"),
            "depth.step_mm"
        ),
        "planning.toml's figure, though other files do not parse: {lines:#?}"
    );
}

#[test]
fn several_syntax_errors_in_one_file_are_all_reported() {
    let text = embedded("zones.toml")
        .replacen("min_mm = 0.25", "min_mm = = 0.25", 1)
        .replacen("needling_minutes = 8", "needling_minutes = = 8", 1);
    let problems = load_with("zones.toml", &text).unwrap_err();
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
    assert!(
        lines.contains(&Some(line_of(&text, "min_mm = = 0.25"))),
        "{problems:#?}"
    );
    assert!(
        lines.contains(&Some(line_of(&text, "needling_minutes = = 8"))),
        "{problems:#?}"
    );
}
