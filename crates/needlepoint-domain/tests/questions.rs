//! The intake's questions are protocol data (issue 11): the protocol lists them with their labels,
//! wording and answer kinds; the intake reader validates against that list; and a clinic adds a
//! question and a screening rule that uses it in its protocol files, with no change to the code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::{intake_json, protocol};
use needlepoint_domain::checkin::ChangesSinceLastVisit;
use needlepoint_domain::engine;
use needlepoint_domain::intake::{Answer, HistoryDate, HistoryFlag, parse};
use needlepoint_domain::plan::Decision;
use needlepoint_domain::protocol::{AnswerKind, Effect};
use serde_json::json;

use common::{embedded_text as embedded, files_with as clinic};

#[test]
fn the_protocol_lists_every_contract_question_with_its_label_wording_and_kind() {
    let p = protocol();
    for flag in HistoryFlag::ALL {
        let q = p
            .question(flag.name())
            .unwrap_or_else(|| panic!("{} missing", flag.name()));
        assert_eq!(q.kind, AnswerKind::YesNo, "{}", q.id);
        assert!(!q.label.is_empty() && q.wording.ends_with('?'), "{}", q.id);
        assert!(!q.cited.sources.is_empty(), "{}", q.id);
    }
    for field in HistoryDate::ALL {
        let q = p
            .question(field.name())
            .unwrap_or_else(|| panic!("{} missing", field.name()));
        assert_eq!(q.kind, AnswerKind::Date, "{}", q.id);
    }
    // The check-in's "anything changed?" questions, with their wording, for every answer it records.
    let checkin: Vec<&str> = p.checkin_questions.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(checkin, ChangesSinceLastVisit::FIELDS.to_vec());
    for c in &p.checkin_questions {
        for related in &c.relates_to {
            assert!(p.question(related).is_some(), "{}: {related}", c.id);
        }
        // Each question's "yes" reaches its own answer and no other.
        let only = ChangesSinceLastVisit::from_answers(|field| field == c.id);
        let yes = serde_json::to_value(only).unwrap();
        for field in ChangesSinceLastVisit::FIELDS {
            assert_eq!(yes[field], field == c.id, "{} → {field}", c.id);
        }
    }
    // The list serialises for the API and the pages.
    let listed = serde_json::to_value(&p.questions).unwrap();
    assert_eq!(listed[0]["id"], "pregnant");
    assert_eq!(listed[0]["kind"], "yes_no");
}

/// The reference lists waxing in the area as a reason to wait a week (section 2.2, line 209:
/// "Waxing in area | DEFER | 1 week [K] [S76]"), a question the built-in intake does not ask. A
/// clinic adds it, and a rule that uses it, in its own files.
#[test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
fn a_question_and_a_rule_that_uses_it_need_no_change_to_the_code() {
    let questions = format!(
        "{}\n{}",
        embedded("questions.toml"),
        r#"
[[question]]
id = "waxing_last"
answer = "date"
label = "Last waxing on the area"
wording = "When did you last have the area to be treated waxed?"
blank_means = "never"
sources = ["S76"]
evidence = ["K"]

[[question]]
id = "hair_transplant"
answer = "choice"
label = "Hair transplant"
wording = "Have you had a hair transplant?"
blank_means = "not asked"
choices = [{ id = "no", label = "No" }, { id = "within_a_year", label = "In the last year" }, { id = "longer_ago", label = "Longer ago" }]
required_when = { zones_any = ["scalp"] }
sources = ["S46"]
evidence = ["D"]
"#
    );
    let screening = format!(
        "{}\n{}",
        embedded("screening.toml"),
        r#"
[[rule]]
id = "waxing_recent"
effect = "defer"
when = { history_date = "waxing_last", wait_days = 7 }
message = "Waxing on the area in the last week: wait a week after waxing."
sources = ["S76"]
evidence = ["K"]
"#
    );
    let manifest = embedded("protocol.toml").replace("version = \"", "version = \"waxing-");
    let p = clinic(&[
        ("questions.toml", questions),
        ("screening.toml", screening),
        ("protocol.toml", manifest),
    ])
    .unwrap_or_else(|problems| panic!("{problems:#?}"));

    let waxed = intake_json(json!({ "history": { "waxing_last": "2026-11-28" } }));
    let intake = parse::from_value(&waxed, &p).unwrap_or_else(|e| panic!("{:?}", e.0));
    assert_eq!(
        intake.history.answer("waxing_last"),
        Some(&Answer::Date(jiff::civil::date(2026, 11, 28)))
    );
    let plan = engine::plan(&p, &intake);
    assert_eq!(plan.screening.decision, Decision::Defer);
    assert_eq!(plan.screening.defer_until, Some(jiff::civil::date(2026, 12, 5)));
    let finding = plan
        .screening
        .findings
        .iter()
        .find(|f| f.rule == "waxing_recent")
        .unwrap();
    assert_eq!(finding.effect, Effect::Defer);

    // The built-in protocol does not know the question: an unknown field, never read as "no".
    let errors = parse::from_value(&waxed, &protocol()).unwrap_err();
    assert_eq!(errors.0[0].path, "history.waxing_last");
    assert!(errors.0[0].problem.contains("unknown field"), "{:?}", errors.0);

    // The clinic's choice question: its answers are checked, and it is required for the scalp.
    let scalp = json!({ "areas": ["scalp"], "concerns": ["hair_loss"] });
    let errors = parse::from_value(&intake_json(scalp.clone()), &p).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{:?}", errors.0);
    assert_eq!(errors.0[0].path, "history.hair_transplant");
    assert!(
        errors.0[0]
            .problem
            .contains("required because Scalp is requested"),
        "{:?}",
        errors.0
    );
    assert!(
        errors.0[0].problem.contains("no, within_a_year, longer_ago"),
        "{:?}",
        errors.0
    );
    let mut answered = intake_json(scalp);
    answered["history"] = json!({ "hair_transplant": "sometimes" });
    let errors = parse::from_value(&answered, &p).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{:?}", errors.0);
    assert!(
        errors.0[0].problem.contains("expected one of: no, within_a_year"),
        "{:?}",
        errors.0
    );
    answered["history"] = json!({ "hair_transplant": "longer_ago" });
    assert!(parse::from_value(&answered, &p).is_ok());
    // Not required elsewhere: a blank is read as the question says.
    assert!(parse::from_value(&intake_json(json!({})), &p).is_ok());
}

#[test]
fn a_rule_must_name_a_question_of_the_right_kind() {
    let screening = embedded("screening.toml")
        .replacen(
            "when = { history = \"pregnant\" }",
            "when = { history = \"laser_last\" }",
            1,
        )
        .replacen(
            "when = { history = \"breastfeeding\" }",
            "when = { history = \"nursing\" }",
            1,
        );
    let problems = clinic(&[("screening.toml", screening)]).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("rule[pregnancy].when.history: `laser_last` takes date answers")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p
            .contains("rule[breastfeeding].when.history: unknown yes_no question `nursing`")
            && p.contains("pregnant")),
        "{problems:#?}"
    );
}

#[test]
fn a_question_entry_is_checked_like_any_other() {
    let questions = embedded("questions.toml")
        .replacen("answer = \"yes_no\"", "answer = \"maybe\"", 1)
        .replacen("id = \"breastfeeding\"", "id = \"Breast-feeding\"", 1);
    let problems = clinic(&[("questions.toml", questions)]).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("question[pregnant].answer: unknown value `maybe`")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("question[Breast-feeding].id")),
        "{problems:#?}"
    );
}
