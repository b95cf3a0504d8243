//! Reading intakes: every problem named with its field and what was expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::{intake, intake_json, protocol};
use needlepoint_domain::intake::parse;
use serde_json::json;

/// Problems as "path: problem" lines.
fn problems(value: serde_json::Value) -> Vec<String> {
    match parse::from_value(&value, &protocol()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

fn one_problem_at(value: serde_json::Value, path: &str) -> String {
    let found = problems(value);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with(&format!("{path}: ")), "{found:?}");
    found[0].clone()
}

#[test]
fn the_contract_example_reads() {
    let text = r#"{
      "date": "2026-12-01",
      "client": { "birth_date": "1990-04-02", "fitzpatrick": 4 },
      "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
      "areas": ["forehead", "cheeks"],
      "concerns": ["acne_scars", "fine_lines"],
      "session_number": 1,
      "history": {
        "pregnant": false, "breastfeeding": false,
        "isotretinoin_current": false, "isotretinoin_last_dose": "2026-08-01",
        "topical_retinoid_last_use": "2026-11-29", "exfoliant_last_use": "2026-11-20",
        "anticoagulants": false, "bleeding_disorder": false,
        "keloid_history": false, "hsv_history": false,
        "metal_allergy": false, "anesthetic_allergy": false,
        "diabetes_uncontrolled": false, "immunosuppressed": false,
        "autoimmune_collagen_disease": false, "chemo_radiation_current": false,
        "dermal_filler_last": "2026-10-01", "neuromodulator_last": "2026-10-01",
        "chemical_peel_last": "2026-10-01", "laser_last": "2026-10-01"
      },
      "conditions": [
        { "condition": "rosacea", "zones": ["cheeks"] },
        { "condition": "active_acne", "severity": "severe", "zones": ["chin"] }
      ]
    }"#;
    let read = parse::from_json(text, &protocol()).expect("the contract's own example reads");
    assert_eq!(read.areas, vec!["forehead", "cheeks"]);
    assert_eq!(read.conditions.len(), 2);
}

#[test]
fn an_intake_round_trips_through_its_json() {
    let original = intake(json!({
        "history": { "hsv_history": true, "laser_last": "2026-10-01" },
        "conditions": [{ "condition": "active_acne", "severity": "mild", "zones": ["cheeks"] }]
    }));
    let again = parse::from_value(&original.to_json(), &protocol()).expect("reads back");
    assert_eq!(again, original);
}

#[test]
fn toml_intakes_read_with_native_dates() {
    let text = r#"
        date = 2026-12-01
        areas = ["forehead"]
        concerns = ["fine_lines"]
        [client]
        birth_date = 1990-01-01
        fitzpatrick = 3
        [device]
        model = "skinpen_precision"
    "#;
    let read = parse::from_toml(text, &protocol()).expect("reads");
    assert_eq!(read.date.to_string(), "2026-12-01");
}

#[test]
fn text_that_is_not_json_or_toml_is_refused_with_its_position() {
    let json_errors = parse::from_json("{ \"date\": ", &protocol()).unwrap_err();
    assert!(
        json_errors.0[0].problem.contains("not valid JSON at line 1"),
        "{:?}",
        json_errors.0
    );
    let toml_errors = parse::from_toml("date = \nareas = [", &protocol()).unwrap_err();
    assert!(
        toml_errors.0[0].problem.contains("not valid TOML at line"),
        "{:?}",
        toml_errors.0
    );
    let not_object = problems(json!([1, 2]));
    assert_eq!(not_object, vec!["expected an object, got a list".to_string()]);
}

#[test]
fn an_unknown_id_lists_the_valid_ones() {
    let problem = one_problem_at(intake_json(json!({ "areas": ["forehead", "elbow"] })), "areas[1]");
    assert!(problem.contains("unknown zone \"elbow\""), "{problem}");
    assert!(problem.contains("forehead, glabella, temples"), "{problem}");
    let problem = one_problem_at(intake_json(json!({ "concerns": ["wrinkles"] })), "concerns[0]");
    assert!(problem.contains("fine_lines"), "{problem}");
    let problem = one_problem_at(
        intake_json(json!({ "device": { "model": "dermapen_9" } })),
        "device.model",
    );
    assert!(problem.contains("skinpen_precision"), "{problem}");
    let problem = one_problem_at(
        intake_json(json!({ "conditions": [{ "condition": "acne", "zones": ["chin"] }] })),
        "conditions[0].condition",
    );
    assert!(problem.contains("active_acne"), "{problem}");
}

#[test]
fn a_date_that_does_not_exist_is_refused() {
    let problem = one_problem_at(intake_json(json!({ "date": "2026-02-30" })), "date");
    assert!(problem.contains("a date that exists"), "{problem}");
    one_problem_at(intake_json(json!({ "date": "01/12/2026" })), "date");
    one_problem_at(intake_json(json!({ "date": 20261201 })), "date");
    let problem = one_problem_at(intake_json(json!({ "date": "0226-12-01" })), "date");
    assert!(problem.contains("between 1900 and 2200"), "{problem}");
}

#[test]
fn fitzpatrick_must_be_one_to_six() {
    for bad in [json!(0), json!(7), json!(4.5), json!("IV"), json!(-1)] {
        let problem = one_problem_at(
            intake_json(json!({ "client": { "birth_date": "1990-01-01", "fitzpatrick": bad } })),
            "client.fitzpatrick",
        );
        assert!(problem.contains("from 1 to 6"), "{problem}");
    }
}

#[test]
fn a_device_range_must_be_positive_ordered_and_possible() {
    let inverted = one_problem_at(
        intake_json(json!({ "device": { "class": "pen", "min_mm": 2.0, "max_mm": 0.5 } })),
        "device.max_mm",
    );
    assert!(inverted.contains("inverted"), "{inverted}");
    let negative = one_problem_at(
        intake_json(json!({ "device": { "class": "pen", "min_mm": -0.5, "max_mm": 1.0 } })),
        "device.min_mm",
    );
    assert!(negative.contains("negative"), "{negative}");
    let too_long = one_problem_at(
        intake_json(json!({ "device": { "class": "roller", "min_mm": 0.5, "max_mm": 5.0 } })),
        "device",
    );
    assert!(too_long.contains("0.2-3.0 mm"), "{too_long}");
    let both = one_problem_at(
        intake_json(json!({ "device": { "model": "skinpen_precision", "class": "pen" } })),
        "device",
    );
    assert!(both.contains("not both"), "{both}");
}

#[test]
fn the_client_cannot_be_born_after_the_treatment() {
    let problem = one_problem_at(
        intake_json(json!({ "client": { "birth_date": "2027-01-01", "fitzpatrick": 2 } })),
        "client.birth_date",
    );
    assert!(problem.contains("on or before the treatment date"), "{problem}");
}

#[test]
fn areas_are_required_and_not_empty() {
    let problem = one_problem_at(intake_json(json!({ "areas": [] })), "areas");
    assert!(problem.contains("at least one zone"), "{problem}");
    let mut without = intake_json(json!({}));
    without.as_object_mut().map(|m| m.remove("areas"));
    one_problem_at(without, "areas");
}

#[test]
fn a_misspelt_question_is_refused_never_read_as_no() {
    let problem = one_problem_at(
        intake_json(json!({ "history": { "pregnent": true } })),
        "history.pregnent",
    );
    assert!(problem.contains("unknown field"), "{problem}");
    assert!(problem.contains("pregnant"), "{problem}");
    one_problem_at(intake_json(json!({ "notes": "x" })), "notes");
}

#[test]
fn history_answers_have_the_right_kind_and_happened_before_the_treatment() {
    one_problem_at(
        intake_json(json!({ "history": { "pregnant": "yes" } })),
        "history.pregnant",
    );
    let future = one_problem_at(
        intake_json(json!({ "history": { "laser_last": "2026-12-15" } })),
        "history.laser_last",
    );
    assert!(future.contains("on or before the treatment date"), "{future}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let found = problems(json!({
        "date": "2026-13-01",
        "client": { "birth_date": "1990-01-01", "fitzpatrick": 9 },
        "device": { "class": "laser", "min_mm": 0.5, "max_mm": 1.0 },
        "areas": [],
        "concerns": ["glow"],
        "session_number": 0
    }));
    let paths: Vec<&str> = found.iter().map(|p| p.split(':').next().unwrap_or("")).collect();
    for expected in [
        "date",
        "client.fitzpatrick",
        "device.class",
        "areas",
        "concerns[0]",
        "session_number",
    ] {
        assert!(paths.contains(&expected), "{expected} missing from {found:?}");
    }
}

#[test]
fn repeated_ids_are_read_once() {
    let read = intake(json!({ "areas": ["cheeks", "forehead", "cheeks"] }));
    assert_eq!(read.areas, vec!["cheeks", "forehead"]);
}

/// Issue 11, correction 8: a key given twice is an error in JSON as it already is in TOML;
/// `{"pregnant": true, "pregnant": false}` must never read as "no". Every repeat is named.
#[test]
fn a_key_given_twice_is_an_error_in_json_as_in_toml() {
    let text = r#"{
      "date": "2026-12-01",
      "client": { "birth_date": "1990-04-02", "fitzpatrick": 2 },
      "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
      "areas": ["forehead"],
      "areas": ["cheeks"],
      "concerns": ["fine_lines"],
      "history": { "pregnant": true, "pregnant": false },
      "conditions": [{ "condition": "rosacea", "zones": ["cheeks"], "zones": ["nose"] }]
    }"#;
    let errors = parse::from_json(text, &protocol()).unwrap_err();
    let paths: Vec<&str> = errors.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        ["areas", "history.pregnant", "conditions[0].zones"],
        "{:?}",
        errors.0
    );
    assert!(
        errors.0.iter().all(|e| e.problem.contains("given twice")),
        "{:?}",
        errors.0
    );
    // The same in TOML.
    let toml = "date = 2026-12-01\ndate = 2026-12-02\n";
    let errors = parse::from_toml(toml, &protocol()).unwrap_err();
    assert!(errors.0[0].problem.contains("duplicate key"), "{:?}", errors.0);
    // What the web API needs to read a request body the same way.
    assert!(parse::json_value(r#"{ "a": 1, "a": 2 }"#).is_err());
    assert_eq!(
        parse::json_value(r#"{ "a": [1, { "b": null }] }"#).unwrap()["a"][1]["b"],
        serde_json::Value::Null
    );
}
