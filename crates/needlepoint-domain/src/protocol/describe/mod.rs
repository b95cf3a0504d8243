//! The whole protocol as a structured document, for the medical director's readable page and its
//! print, and the differences between two protocols (a clinic's and the built-in one, say), entry
//! by entry and fact by fact. Pure: the web page and `needlepoint protocol show|diff` render it.

mod diff;
mod rules;
mod sections;

use serde::Serialize;

pub use diff::{ChangeKind, EntryChange, FactChange, ProtocolDiff, diff};

use crate::evidence::{Cited, Evidence};
use crate::protocol::Protocol;

/// The protocol, section by section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProtocolDescription {
    pub name: String,
    pub version: String,
    pub digest: String,
    pub sections: Vec<Section>,
}

/// One part of the protocol: options, zones, concerns, devices, questions, check-in questions,
/// conditions, rules, waits, procedure, care, sources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    /// What the section holds, for a reader who does not know the files.
    pub about: String,
    pub entries: Vec<Entry>,
}

/// One entry (a zone, a rule, a question…): its facts in plain words, with its sources and
/// evidence tags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub facts: Vec<Fact>,
    pub sources: Vec<String>,
    pub evidence: Vec<Evidence>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub name: String,
    pub value: String,
}

impl Entry {
    pub fn fact(&self, name: &str) -> Option<&str> {
        self.facts
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }
}

/// Collects an entry's facts, leaving out those with nothing to say.
pub(super) struct Facts(Vec<Fact>);

impl Facts {
    pub fn new() -> Facts {
        Facts(Vec::new())
    }

    pub fn add(mut self, name: &str, value: impl Into<String>) -> Facts {
        let value = value.into();
        if !value.trim().is_empty() {
            self.0.push(Fact {
                name: name.to_string(),
                value,
            });
        }
        self
    }

    pub fn maybe(self, name: &str, value: Option<&str>) -> Facts {
        match value {
            Some(value) => self.add(name, value),
            None => self,
        }
    }

    pub fn entry(self, id: &str, title: &str, cited: &Cited) -> Entry {
        Entry {
            id: id.to_string(),
            title: title.to_string(),
            facts: self.0,
            sources: cited.sources.clone(),
            evidence: cited.evidence.clone(),
        }
    }
}

pub(super) fn section(id: &str, title: &str, about: &str, entries: Vec<Entry>) -> Section {
    Section {
        id: id.to_string(),
        title: title.to_string(),
        about: about.to_string(),
        entries,
    }
}

pub(super) fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// The whole protocol, in the order a director reads it.
pub fn describe(protocol: &Protocol) -> ProtocolDescription {
    ProtocolDescription {
        name: protocol.name.clone(),
        version: protocol.version.clone(),
        digest: protocol.digest.clone(),
        sections: vec![
            sections::options(protocol),
            sections::zones(protocol),
            sections::concerns(protocol),
            sections::devices(protocol),
            sections::questions(protocol),
            sections::checkin(protocol),
            sections::conditions(protocol),
            rules::rules(protocol),
            rules::waits(protocol),
            sections::procedure(protocol),
            sections::care(protocol),
            sections::sources(protocol),
        ],
    }
}

impl Protocol {
    /// This protocol as a structured document (see [`describe`]).
    pub fn describe(&self) -> ProtocolDescription {
        describe(self)
    }
}
