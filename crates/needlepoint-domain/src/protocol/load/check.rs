//! Where problems are collected: every problem names its file, line and field, and checking goes
//! on after one is found, so a folder's problems all come out in one run.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use crate::depth::{DepthRange, Mm};
use crate::evidence::{Cited, Evidence};
use crate::protocol::ProtocolFile;

/// One thing wrong with a protocol folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolProblem {
    /// Where the file came from: a path, or `embedded:<name>`.
    pub file: String,
    pub line: Option<usize>,
    /// The entry and field, e.g. `zone[forehead].max_mm`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ProtocolProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: ", self.file, line)?,
            None => write!(f, "{}: ", self.file)?,
        }
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// An entry of a file: where it is, and how to name it in messages.
pub(super) struct At<'f> {
    pub file: &'f ProtocolFile<'f>,
    pub span: Range<usize>,
    pub path: String,
}

impl<'f> At<'f> {
    pub fn new(file: &'f ProtocolFile<'f>, span: Range<usize>, list: &str, id: &str) -> At<'f> {
        At {
            file,
            span,
            path: format!("{list}[{id}]"),
        }
    }

    /// A single table (`[depth]`), named by its key.
    pub fn table(file: &'f ProtocolFile<'f>, span: Range<usize>, key: &str) -> At<'f> {
        At {
            file,
            span,
            path: key.to_string(),
        }
    }
}

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.bytes().filter(|b| *b == b'\n').count() + 1
}

/// The line where `key = ...` is written inside an entry, or the entry's first line. An entry's
/// span may begin at its `[[header]]`, so the search runs on to the next table header.
fn key_line(text: &str, span: &Range<usize>, key: &str) -> usize {
    let first = line_of(text, span.start);
    let body = text.get(span.start..).unwrap_or("");
    for (i, line) in body.lines().enumerate() {
        if i > 0 && line.starts_with('[') {
            break;
        }
        if let Some(rest) = line.trim_start().strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return first + i;
        }
    }
    first
}

/// Ids some list defines, or `None` when its file could not be read: references into it are then
/// not checked (they would all look wrong, and the file's own problem is already reported).
pub(super) type Known = Option<BTreeSet<String>>;

#[derive(Default)]
pub(super) struct Checker {
    pub problems: Vec<ProtocolProblem>,
}

impl Checker {
    pub fn report(&mut self, at: &At<'_>, key: &str, message: impl Into<String>) {
        // `when.wait_days` is written inside `when = { ... }`: find the line of the outer key.
        let outer = key.split(['.', '[']).next().unwrap_or(key);
        let line = key_line(at.file.text, &at.span, outer);
        let field = if key.is_empty() {
            at.path.clone()
        } else {
            format!("{}.{key}", at.path)
        };
        self.problems.push(ProtocolProblem {
            file: at.file.origin.to_string(),
            line: Some(line),
            field,
            message: message.into(),
        });
    }

    /// A problem at a known place in a file (a syntax error, a value of the wrong type).
    pub fn report_span(
        &mut self,
        file: &ProtocolFile<'_>,
        span: Option<Range<usize>>,
        field: &str,
        message: String,
    ) {
        self.problems.push(ProtocolProblem {
            file: file.origin.to_string(),
            line: span.map(|s| line_of(file.text, s.start)),
            field: field.to_string(),
            message,
        });
    }

    pub fn report_file(&mut self, file: &str, message: impl Into<String>) {
        self.problems.push(ProtocolProblem {
            file: file.to_string(),
            line: None,
            field: String::new(),
            message: message.into(),
        });
    }

    pub fn depth(&mut self, at: &At<'_>, key: &str, value: f64) -> Mm {
        Mm::from_mm(value).unwrap_or_else(|problem| {
            self.report(at, key, problem.to_string());
            Mm::ZERO
        })
    }

    pub fn range(&mut self, at: &At<'_>, min_mm: f64, max_mm: f64) -> DepthRange {
        let min = self.depth(at, "min_mm", min_mm);
        let max = self.depth(at, "max_mm", max_mm);
        DepthRange::new(min, max).unwrap_or_else(|| {
            self.report(at, "max_mm", format!("must not be below min_mm ({min} mm)"));
            DepthRange { min, max: min }
        })
    }

    pub fn cited(&mut self, at: &At<'_>, sources: &[String], evidence: &[String], known: &Known) -> Cited {
        self.cited_at(at, "", sources, evidence, known)
    }

    /// Sources and evidence of an entry, or of a sub-table of it (`prefix` = "advisory.").
    pub fn cited_at(
        &mut self,
        at: &At<'_>,
        prefix: &str,
        sources: &[String],
        evidence: &[String],
        known: &Known,
    ) -> Cited {
        let sources_key = format!("{prefix}sources");
        let evidence_key = format!("{prefix}evidence");
        if sources.is_empty() {
            self.report(at, &sources_key, "cite at least one source id from sources.toml");
        }
        if let Some(known) = known {
            for source in sources.iter().filter(|s| !known.contains(s.as_str())) {
                self.report(
                    at,
                    &sources_key,
                    format!("unknown source id `{source}`: add it to sources.toml"),
                );
            }
        }
        if evidence.is_empty() {
            self.report(
                at,
                &evidence_key,
                "give at least one evidence tag (C, P, M, R, K or D)",
            );
        }
        let mut tags = Vec::new();
        for tag in evidence {
            match Evidence::from_letter(tag) {
                Some(parsed) => tags.push(parsed),
                None => self.report(
                    at,
                    &evidence_key,
                    format!("unknown evidence tag `{tag}`; expected one of C, P, M, R, K, D"),
                ),
            }
        }
        Cited {
            sources: sources.to_vec(),
            evidence: tags,
        }
    }

    pub fn unique(&mut self, at: &At<'_>, seen: &mut BTreeSet<String>, id: &str) {
        if id.trim().is_empty() {
            self.report(at, "id", "must not be empty");
        } else if !seen.insert(id.to_string()) {
            self.report(at, "id", format!("`{id}` is used twice"));
        }
    }

    pub fn fitzpatrick_list(&mut self, at: &At<'_>, key: &str, types: &[u8]) {
        for t in types.iter().filter(|t| !(1..=6).contains(*t)) {
            self.report(
                at,
                key,
                format!("Fitzpatrick type {t} does not exist; types are 1 to 6"),
            );
        }
    }

    /// Every id must be among `known`; unchecked when `known` could not be read.
    pub fn known_ids(&mut self, at: &At<'_>, key: &str, ids: &[String], known: &Known, what: &str) {
        let Some(known) = known else {
            return;
        };
        for id in ids.iter().filter(|id| !known.contains(id.as_str())) {
            let valid: Vec<&str> = known.iter().map(String::as_str).collect();
            self.report(
                at,
                key,
                format!("unknown {what} `{id}`; expected one of: {}", valid.join(", ")),
            );
        }
    }

    /// One choice out of `options`, spelt as the files spell it.
    pub fn one_of<T: Copy>(
        &mut self,
        at: &At<'_>,
        key: &str,
        value: &str,
        options: &[(&str, T)],
    ) -> Option<T> {
        let found = options.iter().find(|(name, _)| *name == value).map(|(_, v)| *v);
        if found.is_none() {
            let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
            self.report(
                at,
                key,
                format!("unknown value `{value}`; expected one of: {}", names.join(", ")),
            );
        }
        found
    }
}
