//! Reading an intake from JSON or TOML text. Every problem is collected (not only the first), each
//! naming the field as a dotted path and what was expected; unknown ids come with the valid ones.
//! Unknown fields are refused: a misspelt history question must never be read as "no".

use std::fmt;

use jiff::civil::Date;
use serde_json::{Map, Value};

use super::{ActiveCondition, Answer, ClientFacts, DeviceChoice, History, Intake, Severity};
use crate::depth::{DepthRange, Mm};
use crate::protocol::{AnswerKind, Protocol, Question};

/// One problem with an intake: the field (dotted path, empty for the whole document) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub problem: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

pub use super::text::{from_json, from_toml, json_value};

/// Everything wrong with an intake.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the intake has {} problem(s)", .0.len())]
pub struct IntakeErrors(pub Vec<FieldError>);

/// The earliest and latest years an intake date may name; keeps all date arithmetic far from the
/// calendar's ends and catches typos such as 0226 or 20260.
const EARLIEST_YEAR: i16 = 1900;
const LATEST_YEAR: i16 = 2200;
const MAX_SESSION_NUMBER: u64 = 100;

const TOP_FIELDS: [&str; 8] = [
    "date",
    "client",
    "device",
    "areas",
    "concerns",
    "session_number",
    "history",
    "conditions",
];

/// Reads an intake from a parsed JSON value (the API receives it this way).
pub fn from_value(value: &Value, protocol: &Protocol) -> Result<Intake, IntakeErrors> {
    let mut reader = Reader {
        protocol,
        errors: Vec::new(),
    };
    let intake = reader.intake(value);
    match intake {
        Some(intake) if reader.errors.is_empty() => Ok(intake),
        _ => Err(IntakeErrors(reader.errors)),
    }
}

struct Reader<'p> {
    protocol: &'p Protocol,
    errors: Vec<FieldError>,
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn choice_ids(question: &Question) -> String {
    let ids: Vec<&str> = question.choices.iter().map(|c| c.id.as_str()).collect();
    ids.join(", ")
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl Reader<'_> {
    fn error(&mut self, path: &str, problem: impl Into<String>) {
        self.errors.push(FieldError {
            path: path.to_string(),
            problem: problem.into(),
        });
    }

    /// An object whose keys are all among `allowed`.
    fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Some(map) = value.as_object() else {
            self.error(path, format!("expected an object, got {}", json_kind(value)));
            return None;
        };
        for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            self.error(
                &join(path, key),
                format!("unknown field; expected one of: {}", allowed.join(", ")),
            );
        }
        Some(map)
    }

    fn required<'v>(
        &mut self,
        map: &'v Map<String, Value>,
        parent: &str,
        key: &str,
        what: &str,
    ) -> Option<&'v Value> {
        let value = map.get(key).filter(|v| !v.is_null());
        if value.is_none() {
            self.error(&join(parent, key), format!("required: {what}"));
        }
        value
    }

    fn date(&mut self, value: &Value, path: &str) -> Option<Date> {
        let Some(text) = value.as_str() else {
            self.error(
                path,
                format!("expected a date written YYYY-MM-DD, got {}", json_kind(value)),
            );
            return None;
        };
        let well_formed = text.len() == 10
            && text.as_bytes().get(4) == Some(&b'-')
            && text.as_bytes().get(7) == Some(&b'-');
        match text.parse::<Date>() {
            Ok(date) if well_formed && (EARLIEST_YEAR..=LATEST_YEAR).contains(&date.year()) => Some(date),
            Ok(_) if well_formed => {
                self.error(
                    path,
                    format!("expected a year between {EARLIEST_YEAR} and {LATEST_YEAR}, got \"{text}\""),
                );
                None
            }
            _ => {
                self.error(
                    path,
                    format!("expected a date that exists, written YYYY-MM-DD, got \"{text}\""),
                );
                None
            }
        }
    }

    fn whole_number(&mut self, value: &Value, path: &str, low: u64, high: u64) -> Option<u64> {
        match value.as_u64() {
            Some(n) if (low..=high).contains(&n) => Some(n),
            _ => {
                self.error(
                    path,
                    format!("expected a whole number from {low} to {high}, got {value}"),
                );
                None
            }
        }
    }

    fn depth(&mut self, value: &Value, path: &str) -> Option<Mm> {
        let Some(number) = value.as_f64() else {
            self.error(
                path,
                format!(
                    "expected a depth in millimetres (a number), got {}",
                    json_kind(value)
                ),
            );
            return None;
        };
        match Mm::from_mm(number) {
            Ok(depth) => Some(depth),
            Err(problem) => {
                self.error(path, format!("{problem}, got {number}"));
                None
            }
        }
    }

    /// One id out of `valid`; an unknown one is reported with the valid list.
    fn id(&mut self, value: &Value, path: &str, what: &str, valid: &[&str]) -> Option<String> {
        let Some(text) = value.as_str() else {
            self.error(
                path,
                format!("expected a {what} id (text), got {}", json_kind(value)),
            );
            return None;
        };
        if valid.contains(&text) {
            Some(text.to_string())
        } else {
            self.error(
                path,
                format!(
                    "unknown {what} \"{text}\"; valid {what} ids: {}",
                    valid.join(", ")
                ),
            );
            None
        }
    }

    /// A list of ids, repeats dropped, order kept.
    fn id_list(
        &mut self,
        value: &Value,
        path: &str,
        what: &str,
        valid: &[&str],
        at_least_one: bool,
    ) -> Vec<String> {
        let Some(items) = value.as_array() else {
            self.error(
                path,
                format!("expected a list of {what} ids, got {}", json_kind(value)),
            );
            return Vec::new();
        };
        if at_least_one && items.is_empty() {
            self.error(
                path,
                format!("name at least one {what}; valid {what} ids: {}", valid.join(", ")),
            );
        }
        let mut ids: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(id) = self.id(item, &format!("{path}[{i}]"), what, valid)
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
        ids
    }

    fn intake(&mut self, value: &Value) -> Option<Intake> {
        let map = self.object(value, "", &TOP_FIELDS)?;
        let date = self
            .required(map, "", "date", "the treatment date, YYYY-MM-DD")
            .and_then(|v| self.date(v, "date"));
        let client = self
            .required(map, "", "client", "an object with birth_date and fitzpatrick")
            .and_then(|v| self.client(v, date));
        let device = self
            .required(
                map,
                "",
                "device",
                "{ \"model\": id } or { \"class\", \"min_mm\", \"max_mm\" }",
            )
            .and_then(|v| self.device(v));
        let zone_ids: Vec<&str> = self.protocol.zones.iter().map(|z| z.id.as_str()).collect();
        let areas = self
            .required(map, "", "areas", "a list of at least one zone id")
            .map(|v| self.id_list(v, "areas", "zone", &zone_ids, true))
            .unwrap_or_default();
        let concern_ids: Vec<&str> = self.protocol.concerns.iter().map(|c| c.id.as_str()).collect();
        let concerns = self
            .required(map, "", "concerns", "a list of at least one concern id")
            .map(|v| self.id_list(v, "concerns", "concern", &concern_ids, true))
            .unwrap_or_default();
        let session_number = match map.get("session_number").filter(|v| !v.is_null()) {
            None => Some(1),
            Some(v) => self
                .whole_number(v, "session_number", 1, MAX_SESSION_NUMBER)
                .and_then(|n| u32::try_from(n).ok()),
        };
        let history = self.history(
            map.get("history").filter(|v| !v.is_null()),
            date,
            &areas,
            &concerns,
        );
        let conditions = match map.get("conditions").filter(|v| !v.is_null()) {
            None => Vec::new(),
            Some(v) => self.conditions(v, &zone_ids),
        };
        Some(Intake {
            date: date?,
            client: client?,
            device: device?,
            areas,
            concerns,
            session_number: session_number?,
            history,
            conditions,
        })
    }

    fn client(&mut self, value: &Value, treatment_date: Option<Date>) -> Option<ClientFacts> {
        let map = self.object(value, "client", &["birth_date", "fitzpatrick"])?;
        let birth_date = self
            .required(
                map,
                "client",
                "birth_date",
                "the client's date of birth, YYYY-MM-DD",
            )
            .and_then(|v| self.date(v, "client.birth_date"));
        if let (Some(born), Some(treated)) = (birth_date, treatment_date)
            && born > treated
        {
            self.error(
                "client.birth_date",
                format!("must be on or before the treatment date ({treated}), got {born}"),
            );
        }
        let fitzpatrick = self
            .required(map, "client", "fitzpatrick", "the Fitzpatrick skin type, 1 to 6")
            .and_then(|v| self.whole_number(v, "client.fitzpatrick", 1, 6))
            .and_then(|n| u8::try_from(n).ok());
        Some(ClientFacts {
            birth_date: birth_date?,
            fitzpatrick: fitzpatrick?,
        })
    }

    fn device(&mut self, value: &Value) -> Option<DeviceChoice> {
        let map = self.object(value, "device", &["model", "class", "min_mm", "max_mm"])?;
        if let Some(model) = map.get("model") {
            if map.contains_key("class") || map.contains_key("min_mm") || map.contains_key("max_mm") {
                self.error(
                    "device",
                    "give either a catalogue model or a class with min_mm and max_mm, not both",
                );
                return None;
            }
            let valid: Vec<&str> = self
                .protocol
                .device_models
                .iter()
                .map(|m| m.id.as_str())
                .collect();
            return self
                .id(model, "device.model", "device model", &valid)
                .map(DeviceChoice::Model);
        }
        let classes: Vec<&str> = self
            .protocol
            .device_classes
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        let class = self
            .required(
                map,
                "device",
                "class",
                &format!("a device class ({}) or a model", classes.join(", ")),
            )
            .and_then(|v| self.id(v, "device.class", "device class", &classes));
        let min = self
            .required(map, "device", "min_mm", "the device's shallowest setting in mm")
            .and_then(|v| self.depth(v, "device.min_mm"));
        let max = self
            .required(map, "device", "max_mm", "the device's deepest setting in mm")
            .and_then(|v| self.depth(v, "device.max_mm"));
        let (class, min, max) = (class?, min?, max?);
        let Some(range) = DepthRange::new(min, max) else {
            self.error(
                "device.max_mm",
                format!("must not be below min_mm ({min} mm): the range is inverted"),
            );
            return None;
        };
        let class_range = self.protocol.device_class(&class).map(|c| c.range)?;
        if !class_range.contains_range(range) {
            self.error(
                "device",
                format!("a {class} ranges over {class_range}; {range} lies outside it"),
            );
            return None;
        }
        Some(DeviceChoice::Custom { class, range })
    }

    /// The answers, each checked against its question's kind; then every question the requested
    /// zones or concerns make mandatory must have an answer.
    fn history(
        &mut self,
        value: Option<&Value>,
        treatment_date: Option<Date>,
        areas: &[String],
        concerns: &[String],
    ) -> History {
        let mut history = History::default();
        let mut refused: Vec<&str> = Vec::new();
        if let Some(value) = value {
            let allowed: Vec<&str> = self.protocol.questions.iter().map(|q| q.id.as_str()).collect();
            let Some(map) = self.object(value, "history", &allowed) else {
                return history;
            };
            for (key, answer) in map.iter().filter(|(_, answer)| !answer.is_null()) {
                let Some(question) = self.protocol.question(key) else {
                    continue;
                };
                match self.answer(question, answer, treatment_date) {
                    Some(read) => history.set(key.clone(), read),
                    None => refused.push(question.id.as_str()),
                }
            }
        }
        for question in &self.protocol.questions {
            // A qualifier with nothing to qualify (a peel's depth with no date) would hide a wait.
            if let Some(dated) = &question.goes_with
                && history.answer(&question.id).is_some()
                && history.answer(dated).is_none()
                && !refused.contains(&dated.as_str())
            {
                self.error(
                    &join("history", &question.id),
                    format!("given without {dated}: give the date it goes with"),
                );
            }
            if history.answer(&question.id).is_some() || refused.contains(&question.id.as_str()) {
                continue;
            }
            if let Some(why) = question.required_when.why(self.protocol, areas, concerns) {
                let expected = match question.kind {
                    AnswerKind::YesNo => "answer true or false".to_string(),
                    AnswerKind::Date => "give the date, YYYY-MM-DD".to_string(),
                    AnswerKind::Choice => format!("answer one of: {}", choice_ids(question)),
                };
                self.error(
                    &join("history", &question.id),
                    format!(
                        "required because {why}; a blank is not read as no: {expected} ({})",
                        question.wording
                    ),
                );
            }
        }
        history
    }

    /// One answer of the kind its question takes.
    fn answer(
        &mut self,
        question: &Question,
        answer: &Value,
        treatment_date: Option<Date>,
    ) -> Option<Answer> {
        let path = join("history", &question.id);
        match question.kind {
            AnswerKind::YesNo => {
                let yes = answer.as_bool();
                if yes.is_none() {
                    self.error(
                        &path,
                        format!("expected true or false, got {}", json_kind(answer)),
                    );
                }
                yes.map(Answer::YesNo)
            }
            AnswerKind::Date => {
                let date = self.date(answer, &path)?;
                if let Some(treated) = treatment_date
                    && date > treated
                {
                    self.error(
                        &path,
                        format!(
                            "a past event must be on or before the treatment date ({treated}), got {date}"
                        ),
                    );
                    return None;
                }
                Some(Answer::Date(date))
            }
            AnswerKind::Choice => {
                let choice = answer.as_str().filter(|c| question.choice(c).is_some());
                if choice.is_none() {
                    self.error(
                        &path,
                        format!("expected one of: {}, got {answer}", choice_ids(question)),
                    );
                }
                choice.map(|c| Answer::Choice(c.to_string()))
            }
        }
    }

    fn conditions(&mut self, value: &Value, zone_ids: &[&str]) -> Vec<ActiveCondition> {
        let Some(items) = value.as_array() else {
            self.error(
                "conditions",
                format!("expected a list of active conditions, got {}", json_kind(value)),
            );
            return Vec::new();
        };
        let condition_ids: Vec<&str> = self.protocol.conditions.iter().map(|c| c.id.as_str()).collect();
        let severities: Vec<&str> = Severity::ALL.iter().map(|s| s.name()).collect();
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("conditions[{i}]");
            let Some(map) = self.object(item, &path, &["condition", "severity", "zones"]) else {
                continue;
            };
            let condition = self
                .required(map, &path, "condition", "a condition id")
                .and_then(|v| self.id(v, &join(&path, "condition"), "condition", &condition_ids));
            let severity = match map.get("severity").filter(|v| !v.is_null()) {
                None => Some(None),
                Some(v) => self
                    .id(v, &join(&path, "severity"), "severity", &severities)
                    .map(|s| Severity::from_name(&s)),
            };
            let zones = self
                .required(map, &path, "zones", "the zones where it is")
                .map(|v| self.id_list(v, &join(&path, "zones"), "zone", zone_ids, true))
                .unwrap_or_default();
            if let (Some(condition), Some(severity)) = (condition, severity) {
                out.push(ActiveCondition {
                    condition,
                    severity,
                    zones,
                });
            }
        }
        out
    }
}
