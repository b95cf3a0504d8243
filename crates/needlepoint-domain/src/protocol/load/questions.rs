//! questions.toml: the intake's history questions and the check-in's questions.

use std::collections::{BTreeMap, BTreeSet};

use super::Vocabulary;
use super::check::{At, Checker, Known};
use super::document::Document;
use crate::checkin::ChangesSinceLastVisit;
use crate::protocol::questions::{AnswerChoice, AnswerKind, CheckinQuestion, Question, Requirement};
use crate::protocol::raw;

use crate::protocol::ChoiceTest;

/// The choice a rule names to mean "not answered".
const UNANSWERED: &str = ChoiceTest::UNANSWERED;

/// What other files need to know of a question: its kind (`None` when it could not be read) and
/// its choices.
pub(super) type QuestionShapes = Option<BTreeMap<String, (Option<AnswerKind>, Vec<String>)>>;

pub(super) struct Questions {
    pub questions: Vec<Question>,
    pub checkin: Vec<CheckinQuestion>,
    pub shapes: QuestionShapes,
}

fn snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub(super) fn load_questions(
    check: &mut Checker,
    doc: Option<Document<'_>>,
    known: &Known,
    vocabulary: &Vocabulary,
) -> Option<Questions> {
    let mut doc = doc?;
    let (entries, unread) = doc.list::<raw::RawQuestion>(check, "question", true);
    let (checkin_entries, _) = doc.list::<raw::RawCheckinQuestion>(check, "checkin", true);
    let file = doc.file;
    doc.finish(check, &["question", "checkin"]);

    let mut seen = BTreeSet::new();
    let mut questions = Vec::new();
    let mut spans = Vec::new();
    for entry in entries {
        let raw = entry.value;
        let at = At::new(file, entry.span.clone(), "question", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        if let Some(question) = question(check, &at, raw, known, vocabulary) {
            questions.push(question);
            spans.push(entry.span);
        }
    }
    let mut shapes: BTreeMap<String, (Option<AnswerKind>, Vec<String>)> = questions
        .iter()
        .map(|q| {
            let choices = q.choices.iter().map(|c| c.id.clone()).collect();
            (q.id.clone(), (Some(q.kind), choices))
        })
        .collect();
    for id in unread {
        shapes.entry(id).or_insert((None, Vec::new()));
    }
    for (question, span) in questions.iter().zip(spans) {
        let Some(other) = &question.goes_with else {
            continue;
        };
        let at = At::new(file, span, "question", &question.id);
        match shapes.get(other) {
            None => check.report(&at, "goes_with", format!("unknown question `{other}`")),
            Some((Some(kind), _)) if *kind != AnswerKind::Date => {
                check.report(&at, "goes_with", format!("`{other}` is not a dated question"))
            }
            Some(_) => {}
        }
    }
    let checkin = load_checkin(check, file, checkin_entries, &shapes, known);
    Some(Questions {
        questions,
        checkin,
        shapes: Some(shapes),
    })
}

fn read_choices(check: &mut Checker, at: &At<'_>, raw: Vec<raw::RawChoice>) -> Vec<AnswerChoice> {
    let mut choices = Vec::new();
    let mut seen = BTreeSet::new();
    for choice in raw {
        if !snake_case(&choice.id) || choice.id == UNANSWERED {
            check.report(
                at,
                "choices",
                format!(
                    "choice `{}`: ids are lowercase words joined by underscores, and `{UNANSWERED}` is kept for rules",
                    choice.id
                ),
            );
        }
        if !seen.insert(choice.id.clone()) {
            check.report(at, "choices", format!("choice `{}` is listed twice", choice.id));
        }
        choices.push(AnswerChoice {
            id: choice.id,
            label: choice.label,
        });
    }
    choices
}

fn question(
    check: &mut Checker,
    at: &At<'_>,
    raw: raw::RawQuestion,
    known: &Known,
    vocabulary: &Vocabulary,
) -> Option<Question> {
    if !snake_case(&raw.id) {
        check.report(
            at,
            "id",
            "an intake field name: lowercase letters, digits and underscores, starting with a letter",
        );
    }
    let kinds: Vec<(&str, AnswerKind)> = AnswerKind::ALL.iter().map(|k| (k.name(), *k)).collect();
    let kind = check.one_of(at, "answer", &raw.answer, &kinds);
    let choices = read_choices(check, at, raw.choices);
    match kind {
        Some(AnswerKind::Choice) if choices.is_empty() => {
            check.report(at, "choices", "a choice question lists its choices")
        }
        Some(AnswerKind::YesNo | AnswerKind::Date) if !choices.is_empty() => {
            check.report(at, "choices", "only a choice question has choices")
        }
        _ => {}
    }
    if raw.wording.trim().is_empty() || raw.label.trim().is_empty() {
        check.report(at, "wording", "give the question's wording and a short label");
    }
    let required_when = raw
        .required_when
        .map_or_else(Requirement::default, |r| Requirement {
            zones_any: r.zones_any,
            regions_any: r.regions_any,
            concerns_any: r.concerns_any,
        });
    check.known_ids(
        at,
        "required_when.zones_any",
        &required_when.zones_any,
        &vocabulary.zones,
        "zone",
    );
    check.known_ids(
        at,
        "required_when.regions_any",
        &required_when.regions_any,
        &vocabulary.regions,
        "region",
    );
    check.known_ids(
        at,
        "required_when.concerns_any",
        &required_when.concerns_any,
        &vocabulary.concerns,
        "concern",
    );
    let cited = check.cited(at, &raw.sources, &raw.evidence, known);
    Some(Question {
        id: raw.id,
        kind: kind?,
        label: raw.label,
        wording: raw.wording,
        help: raw.help,
        choices,
        goes_with: raw.goes_with,
        blank_means: raw.blank_means,
        required_when,
        cited,
    })
}

fn load_checkin(
    check: &mut Checker,
    file: &crate::protocol::ProtocolFile<'_>,
    entries: Vec<super::document::Entry<raw::RawCheckinQuestion>>,
    shapes: &BTreeMap<String, (Option<AnswerKind>, Vec<String>)>,
    known: &Known,
) -> Vec<CheckinQuestion> {
    let questions: Known = Some(shapes.keys().cloned().collect());
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for entry in entries {
        let raw = entry.value;
        let at = At::new(file, entry.span, "checkin", &raw.id);
        check.unique(&at, &mut seen, &raw.id);
        if !ChangesSinceLastVisit::FIELDS.contains(&raw.id.as_str()) {
            check.report(
                &at,
                "id",
                format!(
                    "the check-in records these answers: {}",
                    ChangesSinceLastVisit::FIELDS.join(", ")
                ),
            );
        }
        check.known_ids(&at, "relates_to", &raw.relates_to, &questions, "question");
        let cited = check.cited(&at, &raw.sources, &raw.evidence, known);
        out.push(CheckinQuestion {
            id: raw.id,
            label: raw.label,
            wording: raw.wording,
            help: raw.help,
            relates_to: raw.relates_to,
            cited,
        });
    }
    for field in ChangesSinceLastVisit::FIELDS {
        if !seen.contains(field) {
            check.report_file(
                file.origin,
                format!("checkin: the check-in question `{field}` is missing"),
            );
        }
    }
    out
}

/// Checks that `name` is a question taking `kind` answers; unchecked when questions.toml could not
/// be read.
pub(super) fn expect_question(
    check: &mut Checker,
    at: &At<'_>,
    key: &str,
    name: &str,
    kind: AnswerKind,
    vocabulary: &Vocabulary,
) {
    let Some(shapes) = &vocabulary.questions else {
        return;
    };
    match shapes.get(name) {
        None => {
            let valid: Vec<&str> = shapes
                .iter()
                .filter(|(_, (k, _))| k.is_none_or(|k| k == kind))
                .map(|(id, _)| id.as_str())
                .collect();
            check.report(
                at,
                key,
                format!(
                    "unknown {} question `{name}` (add it to questions.toml); expected one of: {}",
                    kind.name(),
                    valid.join(", ")
                ),
            );
        }
        Some((Some(found), _)) if *found != kind => check.report(
            at,
            key,
            format!(
                "`{name}` takes {} answers; this needs a {} question",
                found.name(),
                kind.name()
            ),
        ),
        Some(_) => {}
    }
}

/// A rule's `choice` and `choice_any`: a choice question and some of its answers.
pub(super) fn choice_test(
    check: &mut Checker,
    at: &At<'_>,
    question: &str,
    any_of: &[String],
    vocabulary: &Vocabulary,
) -> ChoiceTest {
    expect_question(check, at, "when.choice", question, AnswerKind::Choice, vocabulary);
    if any_of.is_empty() {
        check.report(
            at,
            "when.choice_any",
            format!("name the answers the rule fires on (or `{UNANSWERED}` for a blank)"),
        );
    }
    if let Some(Some((_, choices))) = vocabulary.questions.as_ref().map(|q| q.get(question)) {
        let valid: Known = Some(choices.iter().cloned().chain([UNANSWERED.to_string()]).collect());
        check.known_ids(at, "when.choice_any", any_of, &valid, "answer");
    }
    ChoiceTest {
        question: question.to_string(),
        any_of: any_of.to_vec(),
    }
}
