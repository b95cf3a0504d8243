//! The protocol as its medical director reads it, and a comparison of two protocols.

use std::fmt::Write;

use needlepoint_domain::protocol::describe::{ChangeKind, ProtocolDescription, ProtocolDiff};

use super::text::{WIDTH, section, wrap};

/// `name: value`, the value wrapped under itself.
fn fact_line(out: &mut String, name: &str, value: &str) {
    let head = format!("    {name}: ");
    let _ = writeln!(out, "{head}{}", wrap(value, 8, head.chars().count()));
}

pub fn render(description: &ProtocolDescription) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "PROTOCOL: {} {}", description.name, description.version);
    let _ = writeln!(out, "Digest: {}", description.digest);
    let _ = writeln!(out, "{}", "=".repeat(WIDTH));
    for part in &description.sections {
        section(&mut out, &part.title.to_uppercase());
        let _ = writeln!(out, "{}", wrap(&part.about, 0, 0));
        for entry in &part.entries {
            let title = if entry.title == entry.id {
                entry.id.clone()
            } else {
                format!("{} ({})", entry.title, entry.id)
            };
            let _ = writeln!(out, "\n  {}", wrap(&title, 4, 2));
            for fact in &entry.facts {
                fact_line(&mut out, &fact.name, &fact.value);
            }
            if !entry.sources.is_empty() {
                let tags: Vec<&str> = entry.evidence.iter().map(|e| e.letter()).collect();
                fact_line(
                    &mut out,
                    "sources",
                    &format!("{} [{}]", entry.sources.join(", "), tags.join(", ")),
                );
            }
        }
    }
    let _ = write!(
        out,
        "\n{}\n{}\n",
        "=".repeat(WIDTH),
        wrap(
            "Evidence tags: C review or consensus; P a single primary study; M a manufacturer's chart or label; \
             R regulation; K a clinic handout; D a derived default, to be set by the medical director.",
            0,
            0
        )
    );
    out
}

pub fn render_diff(changes: &ProtocolDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "PROTOCOL DIFFERENCES");
    let _ = writeln!(out, "From: {}", changes.from);
    let _ = writeln!(out, "To:   {}", changes.to);
    let _ = writeln!(out, "{}", "=".repeat(WIDTH));
    if changes.changes.is_empty() {
        let _ = writeln!(out, "\nNo differences: the two protocols have the same content.");
        return out;
    }
    let mut current = "";
    for change in &changes.changes {
        if change.section != current {
            current = &change.section;
            section(&mut out, &current.to_uppercase());
        }
        let kind = match change.change {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        };
        let title = if change.title == change.id {
            change.id.clone()
        } else {
            format!("{} ({})", change.title, change.id)
        };
        let _ = writeln!(out, "\n  {kind}: {}", wrap(&title, 4, 4 + kind.len()));
        for fact in &change.facts {
            let value = match (&fact.before, &fact.after) {
                (Some(before), Some(after)) => format!("{before} -> {after}"),
                (None, Some(after)) => after.clone(),
                (Some(before), None) => format!("(was) {before}"),
                (None, None) => String::new(),
            };
            fact_line(&mut out, &fact.name, &value);
        }
    }
    let _ = writeln!(out, "\n{} difference(s).", changes.changes.len());
    out
}
