//! Evidence tags and source citations carried by every protocol entry and every finding.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How strong the basis for a figure is (section 0.1 of the clinical reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Evidence {
    /// Review, systematic review or society consensus.
    C,
    /// A single primary clinical study.
    P,
    /// One manufacturer's chart, instructions or labelling.
    M,
    /// Regulation or FDA document.
    R,
    /// Clinic or spa handout.
    K,
    /// Derived engineering default, to be calibrated locally.
    D,
}

impl Evidence {
    pub const ALL: [Evidence; 6] = [
        Evidence::C,
        Evidence::P,
        Evidence::M,
        Evidence::R,
        Evidence::K,
        Evidence::D,
    ];

    pub fn letter(self) -> &'static str {
        match self {
            Evidence::C => "C",
            Evidence::P => "P",
            Evidence::M => "M",
            Evidence::R => "R",
            Evidence::K => "K",
            Evidence::D => "D",
        }
    }

    pub fn from_letter(letter: &str) -> Option<Evidence> {
        Evidence::ALL.into_iter().find(|e| e.letter() == letter)
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letter())
    }
}

/// Where a figure or a rule comes from: source ids of the reference and evidence tags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cited {
    pub sources: Vec<String>,
    pub evidence: Vec<Evidence>,
}

impl Cited {
    /// Adds another entry's sources and tags, each once.
    pub fn absorb(&mut self, other: &Cited) {
        for source in &other.sources {
            if !self.sources.contains(source) {
                self.sources.push(source.clone());
            }
        }
        for tag in &other.evidence {
            if !self.evidence.contains(tag) {
                self.evidence.push(*tag);
            }
        }
    }
}

impl fmt::Display for Cited {
    /// `S24, S77 [M, K]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sources.join(", "))?;
        if !self.evidence.is_empty() {
            let tags: Vec<&str> = self.evidence.iter().map(|e| e.letter()).collect();
            write!(f, " [{}]", tags.join(", "))?;
        }
        Ok(())
    }
}
