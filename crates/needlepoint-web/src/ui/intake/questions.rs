//! The health-history questions, drawn from the protocol's `questions.toml`: a yes/no question
//! gets a real "yes" and "no" (an unticked box cannot tell "no" from "not asked"), a dated one a
//! date, a choice its answers. Each answer is posted under the question's id.

use maud::{Markup, html};
use needlepoint_app::AppError;
use needlepoint_domain::protocol::{AnswerKind, Protocol, Question};
use serde_json::{Map, Value};

use crate::ui::form::{Pairs, field_error};

/// The history questions, in the protocol's order.
pub(super) fn section(protocol: &Protocol, values: &Pairs, error: Option<&AppError>) -> Markup {
    html! {
        fieldset.questions {
            legend { "Health history" }
            p.hint { "Ask each question as worded. Leave a date empty for never." }
            @for question in &protocol.questions {
                (one(protocol, question, values, error))
            }
        }
    }
}

fn one(protocol: &Protocol, q: &Question, values: &Pairs, error: Option<&AppError>) -> Markup {
    let id = &q.id;
    let given = values.get(id);
    let label_id = format!("{id}-label");
    let path = format!("history.{id}");
    html! {
        div.question id=(format!("q-{id}")) {
            @match q.kind {
                AnswerKind::YesNo => {
                    p.question-label id=(label_id) { strong { (q.label) } (required_note(protocol, q)) br; span.wording { (q.wording) } }
                    (field_error(error, &path))
                    div.choices role="radiogroup" aria-labelledby=(label_id) {
                        label.choice { input type="radio" name=(id) value="yes" checked[given == Some("yes")]; " Yes" }
                        label.choice { input type="radio" name=(id) value="no" checked[given == Some("no")]; " No" }
                    }
                }
                AnswerKind::Date => {
                    label for=(id) { strong { (q.label) } (required_note(protocol, q)) br; span.wording { (q.wording) } }
                    (field_error(error, &path))
                    input id=(id) type="date" name=(id) value=(given.unwrap_or_default());
                }
                AnswerKind::Choice => {
                    label for=(id) { strong { (q.label) } (required_note(protocol, q)) br; span.wording { (q.wording) } }
                    (field_error(error, &path))
                    select id=(id) name=(id) {
                        option value="" { "Not recorded" }
                        @for c in &q.choices { option value=(c.id) selected[given == Some(c.id.as_str())] { (c.label) } }
                    }
                }
            }
            @if let Some(help) = &q.help { p.hint { (help) } }
        }
    }
}

/// "Must be answered when the lips are treated": from the protocol's requirement, in labels.
fn required_note(protocol: &Protocol, q: &Question) -> Markup {
    let when = &q.required_when;
    if when.is_never() {
        return html! {};
    }
    let zone = |z: &String| {
        protocol
            .zone(z)
            .map_or_else(|| z.clone(), |zone| zone.label.clone())
    };
    let concern = |c: &String| protocol.concern(c).map_or_else(|| c.clone(), |c| c.label.clone());
    let mut names: Vec<String> = when.zones_any.iter().map(zone).collect();
    names.extend(when.regions_any.iter().cloned());
    names.extend(when.concerns_any.iter().map(concern));
    html! { " " span.required { "(must be answered for " (names.join(", ")) ")" } }
}

/// The answers given, as the intake's `history`: yes/no as booleans, dates and choices as text;
/// a question left blank is left out, so the reader decides what a blank means.
pub(super) fn history(protocol: &Protocol, pairs: &Pairs) -> Map<String, Value> {
    let mut history = Map::new();
    for q in &protocol.questions {
        let Some(answer) = pairs.text(&q.id) else { continue };
        let value = match (q.kind, answer.as_str()) {
            (AnswerKind::YesNo, "yes") => Value::Bool(true),
            (AnswerKind::YesNo, "no") => Value::Bool(false),
            _ => Value::String(answer),
        };
        history.insert(q.id.clone(), value);
    }
    history
}

/// A field of the intake named as the form names it: a question by its label.
pub(super) fn field_name(protocol: &Protocol, path: &str) -> String {
    if let Some(q) = path.strip_prefix("history.").and_then(|id| protocol.question(id)) {
        return q.label.clone();
    }
    let top = path.split(['.', '[']).next().unwrap_or(path);
    match top {
        "date" => "Treatment date",
        "session_number" => "Session number",
        "client" if path.ends_with("fitzpatrick") => "Fitzpatrick skin type",
        "client" => "Date of birth",
        "device" => "Device",
        "areas" => "Areas to treat",
        "concerns" => "Concerns",
        "conditions" => "Active skin conditions",
        "history" => "Health history",
        _ => path,
    }
    .to_string()
}
