//! Helpers shared by the domain's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // shared by several test files; a panic in a test is a failing test

use needlepoint_domain::engine;
use needlepoint_domain::intake::{Intake, parse};
use needlepoint_domain::plan::{Finding, Plan};
use needlepoint_domain::protocol::{Effect, Protocol};
use serde_json::{Value, json};

pub fn protocol() -> Protocol {
    Protocol::embedded().expect("the embedded protocol loads")
}

/// A plain intake (2026-12-01, Fitzpatrick II, a 0.25-2.5 mm pen, forehead and cheeks, fine
/// lines) with `changes` merged over it at the top level.
pub fn intake_json(changes: Value) -> Value {
    let mut base = json!({
        "date": "2026-12-01",
        "client": { "birth_date": "1985-06-15", "fitzpatrick": 2 },
        "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
        "areas": ["forehead", "cheeks"],
        "concerns": ["fine_lines"]
    });
    if let (Some(base), Some(changes)) = (base.as_object_mut(), changes.as_object()) {
        for (key, value) in changes {
            base.insert(key.clone(), value.clone());
        }
    }
    base
}

pub fn intake(changes: Value) -> Intake {
    let p = protocol();
    match parse::from_value(&intake_json(changes), &p) {
        Ok(intake) => intake,
        Err(errors) => panic!("test intake does not parse: {:?}", errors.0),
    }
}

pub fn plan(changes: Value) -> Plan {
    engine::plan(&protocol(), &intake(changes))
}

pub fn finding<'p>(plan: &'p Plan, rule: &str) -> Option<&'p Finding> {
    plan.screening.findings.iter().find(|f| f.rule == rule)
}

pub fn rules_with(plan: &Plan, effect: Effect) -> Vec<String> {
    plan.screening
        .findings
        .iter()
        .filter(|f| f.effect == effect)
        .map(|f| f.rule.clone())
        .collect()
}

/// The text of one of the built-in protocol's files.
pub fn embedded_text(name: &str) -> &'static str {
    needlepoint_domain::protocol::EMBEDDED
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.text)
        .unwrap_or_else(|| panic!("no built-in file {name}"))
}

/// The built-in protocol with some files' text replaced, exactly as given; problems as lines.
pub fn files_with(replaced: &[(&'static str, String)]) -> Result<Protocol, Vec<String>> {
    use needlepoint_domain::protocol::{EMBEDDED, ProtocolFile};
    let files: Vec<ProtocolFile> = EMBEDDED
        .iter()
        .map(|f| match replaced.iter().find(|(name, _)| *name == f.name) {
            Some((name, text)) => ProtocolFile {
                name,
                origin: name,
                text,
            },
            None => *f,
        })
        .collect();
    Protocol::from_files(&files).map_err(|problems| problems.iter().map(ToString::to_string).collect())
}

/// A clinic's protocol: the built-in one with some files replaced and, unless `protocol.toml`
/// is among them, the clinic's own name (an edited protocol must not keep the built-in's).
pub fn clinic_protocol(replaced: &[(&'static str, String)]) -> Protocol {
    let mut files = replaced.to_vec();
    if !files.iter().any(|(name, _)| *name == "protocol.toml") {
        files.push((
            "protocol.toml",
            "name = \"Rose Clinic protocol\"\nversion = \"1\"\n".into(),
        ));
    }
    files_with(&files).unwrap_or_else(|problems| panic!("the clinic's protocol does not load: {problems:#?}"))
}
