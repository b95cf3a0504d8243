//! The intake: one client, the treatment asked for and the history, as the intake contract
//! (`docs/intake-and-plan.md`) defines it. Built only by [`parse`], so an `Intake`
//! always names ids that exist in the protocol it was read against.

mod history;
pub mod parse;
mod text;

use jiff::civil::Date;
use serde::Serialize;

use crate::depth::DepthRange;

pub use history::{Answer, History, HistoryDate, HistoryFlag};
pub use parse::{FieldError, IntakeErrors};

/// One client's intake for one treatment date.
#[derive(Clone, Debug, PartialEq)]
pub struct Intake {
    /// The treatment date. Every date in the plan is computed from it; the engine has no clock.
    pub date: Date,
    pub client: ClientFacts,
    pub device: DeviceChoice,
    /// Requested zone ids, in the order given, without repeats.
    pub areas: Vec<String>,
    /// Requested concern ids, in the order given, without repeats.
    pub concerns: Vec<String>,
    /// 1 for the first session of a series.
    pub session_number: u32,
    pub history: History,
    pub conditions: Vec<ActiveCondition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientFacts {
    pub birth_date: Date,
    /// Fitzpatrick skin type, 1 to 6.
    pub fitzpatrick: u8,
}

/// The device for the session: a catalogue model, or a class with the range of the device in hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceChoice {
    Model(String),
    Custom { class: String, range: DepthRange },
}

/// How bad an active condition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Mild,
    Moderate,
    Severe,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Mild, Severity::Moderate, Severity::Severe];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Severe => "severe",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The severity in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Mild => "Mild",
            Severity::Moderate => "Moderate",
            Severity::Severe => "Severe",
        }
    }
}

/// An active skin condition and the zones where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveCondition {
    pub condition: String,
    pub severity: Option<Severity>,
    pub zones: Vec<String>,
}

impl Intake {
    /// The client's age in whole years on the treatment date.
    pub fn age_on_treatment_date(&self) -> i64 {
        let born = self.client.birth_date;
        let mut years = i64::from(self.date.year()) - i64::from(born.year());
        if (self.date.month(), self.date.day()) < (born.month(), born.day()) {
            years -= 1;
        }
        years
    }

    /// The intake in the contract's JSON shape; `parse` reads it back to an equal intake.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Map, Value, json};
        let device = match &self.device {
            DeviceChoice::Model(id) => json!({ "model": id }),
            DeviceChoice::Custom { class, range } => {
                json!({ "class": class, "min_mm": range.min.as_mm(), "max_mm": range.max.as_mm() })
            }
        };
        let history: Map<String, Value> = self
            .history
            .answers()
            .map(|(id, answer)| {
                let value = match answer {
                    Answer::YesNo(yes) => Value::Bool(*yes),
                    Answer::Date(date) => Value::String(date.to_string()),
                    Answer::Choice(choice) => Value::String(choice.clone()),
                };
                (id.to_string(), value)
            })
            .collect();
        let conditions: Vec<Value> = self
            .conditions
            .iter()
            .map(|c| {
                let mut entry = json!({ "condition": c.condition, "zones": c.zones });
                if let (Some(severity), Some(map)) = (c.severity, entry.as_object_mut()) {
                    map.insert("severity".into(), severity.name().into());
                }
                entry
            })
            .collect();
        json!({
            "date": self.date.to_string(),
            "client": {
                "birth_date": self.client.birth_date.to_string(),
                "fitzpatrick": self.client.fitzpatrick,
            },
            "device": device,
            "areas": self.areas,
            "concerns": self.concerns,
            "session_number": self.session_number,
            "history": history,
            "conditions": conditions,
        })
    }
}
