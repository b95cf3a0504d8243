//! The differences between two protocol descriptions, for showing a clinic's protocol beside the
//! built-in one: entries added, removed or changed, and for a changed entry each fact before and
//! after (sources and evidence tags included).

use serde::Serialize;

use super::{Entry, ProtocolDescription};
use crate::plan::ProtocolStamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One fact of an entry, before and after (`None` where the entry or the fact is absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactChange {
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryChange {
    pub section: String,
    pub id: String,
    pub title: String,
    pub change: ChangeKind,
    pub facts: Vec<FactChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProtocolDiff {
    pub from: ProtocolStamp,
    pub to: ProtocolStamp,
    /// In section order, then entry order (entries only in `from` after those of `to`).
    pub changes: Vec<EntryChange>,
}

fn stamp(d: &ProtocolDescription) -> ProtocolStamp {
    ProtocolStamp {
        name: d.name.clone(),
        version: d.version.clone(),
        digest: d.digest.clone(),
    }
}

/// An entry's facts with its sources and evidence as two more.
fn all_facts(entry: &Entry) -> Vec<(String, String)> {
    let mut facts: Vec<(String, String)> = entry
        .facts
        .iter()
        .map(|f| (f.name.clone(), f.value.clone()))
        .collect();
    facts.push(("title".into(), entry.title.clone()));
    facts.push(("sources".into(), entry.sources.join(", ")));
    let tags: Vec<&str> = entry.evidence.iter().map(|e| e.letter()).collect();
    facts.push(("evidence".into(), tags.join(", ")));
    facts
}

fn fact_changes(before: Option<&Entry>, after: Option<&Entry>) -> Vec<FactChange> {
    let before = before.map(all_facts).unwrap_or_default();
    let after = after.map(all_facts).unwrap_or_default();
    let mut names: Vec<&String> = before.iter().map(|(n, _)| n).collect();
    for (name, _) in &after {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let value =
        |list: &[(String, String)], name: &str| list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    names
        .into_iter()
        .filter_map(|name| {
            let (b, a) = (value(&before, name), value(&after, name));
            (b != a).then(|| FactChange {
                name: name.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// What changed from `from` to `to`.
pub fn diff(from: &ProtocolDescription, to: &ProtocolDescription) -> ProtocolDiff {
    let mut changes = Vec::new();
    let mut section_ids: Vec<&str> = to.sections.iter().map(|s| s.id.as_str()).collect();
    for section in &from.sections {
        if !section_ids.contains(&section.id.as_str()) {
            section_ids.push(&section.id);
        }
    }
    for id in section_ids {
        let old = from
            .sections
            .iter()
            .find(|s| s.id == id)
            .map_or(&[][..], |s| &s.entries[..]);
        let new = to
            .sections
            .iter()
            .find(|s| s.id == id)
            .map_or(&[][..], |s| &s.entries[..]);
        for entry in new {
            let before = old.iter().find(|e| e.id == entry.id);
            let facts = fact_changes(before, Some(entry));
            let change = if before.is_none() {
                ChangeKind::Added
            } else if facts.is_empty() {
                continue;
            } else {
                ChangeKind::Changed
            };
            changes.push(EntryChange {
                section: id.to_string(),
                id: entry.id.clone(),
                title: entry.title.clone(),
                change,
                facts,
            });
        }
        for entry in old.iter().filter(|e| !new.iter().any(|n| n.id == e.id)) {
            changes.push(EntryChange {
                section: id.to_string(),
                id: entry.id.clone(),
                title: entry.title.clone(),
                change: ChangeKind::Removed,
                facts: fact_changes(Some(entry), None),
            });
        }
    }
    ProtocolDiff {
        from: stamp(from),
        to: stamp(to),
        changes,
    }
}
