//! The intake's history questions and the check-in's "anything changed?" questions, as the
//! protocol defines them (`questions.toml`). The intake reader validates answers against this
//! list, and the intake page, the API and the check-in can all be generated from it: a question
//! and a screening rule that uses it are added in the protocol files, with no change to the code.

use serde::Serialize;

use crate::evidence::Cited;
use crate::protocol::Protocol;

/// What kind of answer a question takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// `true` or `false`.
    YesNo,
    /// When something last happened: a date on or before the treatment date.
    Date,
    /// One of the question's `choices`, by id.
    Choice,
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 3] = [AnswerKind::YesNo, AnswerKind::Date, AnswerKind::Choice];

    /// The name the protocol files use.
    pub fn name(self) -> &'static str {
        match self {
            AnswerKind::YesNo => "yes_no",
            AnswerKind::Date => "date",
            AnswerKind::Choice => "choice",
        }
    }

    pub fn from_name(name: &str) -> Option<AnswerKind> {
        AnswerKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One answer a choice question offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnswerChoice {
    pub id: String,
    pub label: String,
}

/// When a question must be answered (a blank answer is then an error naming the field, never
/// read as "no"): when a requested zone is among `zones_any`, lies in one of `regions_any`, or a
/// requested concern is among `concerns_any`. All empty: never required.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub zones_any: Vec<String>,
    pub regions_any: Vec<String>,
    pub concerns_any: Vec<String>,
}

impl Requirement {
    pub fn is_never(&self) -> bool {
        self.zones_any.is_empty() && self.regions_any.is_empty() && self.concerns_any.is_empty()
    }

    /// Why the question is required for these requested zones and concerns (the zone or concern
    /// that makes it so, by label), or `None` when it is not.
    pub fn why(&self, protocol: &Protocol, areas: &[String], concerns: &[String]) -> Option<String> {
        let zone_label = |id: &str| protocol.zone_label(id);
        if let Some(zone) = areas.iter().find(|a| self.zones_any.contains(a)) {
            return Some(format!("{} is requested", zone_label(zone)));
        }
        if let Some(zone) = areas.iter().find(|a| {
            protocol
                .zone(a)
                .is_some_and(|z| self.regions_any.contains(&z.region))
        }) {
            return Some(format!("{} is requested", zone_label(zone)));
        }
        concerns
            .iter()
            .find(|c| self.concerns_any.contains(c))
            .map(|c| format!("{} is requested", protocol.concern_label(c)))
    }
}

/// A history question of the intake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The field name in the intake's `history`.
    pub id: String,
    pub kind: AnswerKind,
    /// A short name for lists and reports.
    pub label: String,
    /// The question as the client is asked it.
    pub wording: String,
    /// What the client or practitioner should know to answer.
    pub help: Option<String>,
    /// For a choice question, the answers it offers.
    pub choices: Vec<AnswerChoice>,
    /// A dated question this one qualifies (the peel's depth goes with the peel's date).
    pub goes_with: Option<String>,
    /// What a blank answer is read as when the question is not required.
    pub blank_means: String,
    pub required_when: Requirement,
    pub cited: Cited,
}

impl Question {
    pub fn choice(&self, id: &str) -> Option<&AnswerChoice> {
        self.choices.iter().find(|c| c.id == id)
    }
}

/// One of the check-in's "anything changed since your last visit?" questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckinQuestion {
    /// The answer's field name (see `checkin::ChangesSinceLastVisit`).
    pub id: String,
    pub label: String,
    pub wording: String,
    pub help: Option<String>,
    /// The intake questions a "yes" here asks again.
    pub relates_to: Vec<String>,
    pub cited: Cited,
}
