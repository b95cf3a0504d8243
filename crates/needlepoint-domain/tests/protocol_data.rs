//! The shipped protocol: it loads, it speaks the contract's vocabulary, and every entry cites
//! sources that exist in the clinical reference.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

use std::collections::BTreeSet;
use std::path::PathBuf;

use needlepoint_domain::protocol::{EMBEDDED, Protocol, ProtocolFile};

fn protocol() -> Protocol {
    match Protocol::embedded() {
        Ok(p) => p,
        Err(problems) => {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!("the embedded protocol does not load:\n{}", lines.join("\n"));
        }
    }
}

#[test]
fn embedded_protocol_loads() {
    let p = protocol();
    assert_eq!(p.zones.len(), 14);
    assert!(!p.rules.is_empty());
}

/// The ids the intake contract names (docs/intake-and-plan.md).
#[test]
fn protocol_defines_exactly_the_contract_vocabulary() {
    let p = protocol();
    let ids = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<BTreeSet<_>>();
    let zones = ids("forehead glabella temples periorbital nose cheeks perioral chin jawline neck decolletage scalp hands body".split(' ').collect());
    let concerns = ids("acne_scars fine_lines hyperpigmentation melasma sun_damage enlarged_pores texture_tone laxity product_absorption striae hair_loss".split(' ').collect());
    let conditions = ids("active_acne eczema rosacea psoriasis infection cold_sore sunburn open_wound suspicious_lesion tattoo".split(' ').collect());
    let classes = ids(vec!["roller", "stamp", "pen"]);
    assert_eq!(
        p.zones.iter().map(|z| z.id.clone()).collect::<BTreeSet<_>>(),
        zones
    );
    assert_eq!(
        p.concerns.iter().map(|c| c.id.clone()).collect::<BTreeSet<_>>(),
        concerns
    );
    assert_eq!(
        p.conditions.iter().map(|c| c.id.clone()).collect::<BTreeSet<_>>(),
        conditions
    );
    assert_eq!(
        p.device_classes
            .iter()
            .map(|c| c.id.clone())
            .collect::<BTreeSet<_>>(),
        classes
    );
}

#[test]
fn every_entry_cites_at_least_one_known_source_and_an_evidence_tag() {
    let p = protocol();
    let known: BTreeSet<&str> = p.sources.iter().map(|s| s.id.as_str()).collect();
    let citations = p.citations();
    assert!(
        citations.len() > 100,
        "expected every entry to be listed, got {}",
        citations.len()
    );
    for (entry, cited) in citations {
        assert!(!cited.sources.is_empty(), "{entry} cites no source");
        assert!(!cited.evidence.is_empty(), "{entry} has no evidence tag");
        for source in &cited.sources {
            assert!(
                known.contains(source.as_str()),
                "{entry} cites {source}, missing from sources.toml"
            );
        }
    }
}

/// Source ids listed in section 11 of the clinical reference.
fn reference_source_ids() -> Option<BTreeSet<String>> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/domain/microneedling-reference.md");
    let text = std::fs::read_to_string(&path).ok()?;
    let section = text.split("## 11. Sources").nth(1)?;
    Some(
        section
            .lines()
            .filter_map(|line| line.split_once(". ").map(|(id, _)| id.trim().to_string()))
            .filter(|id| {
                id.starts_with('S')
                    && id.len() <= 5
                    && id[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
            })
            .collect(),
    )
}

#[test]
fn every_cited_source_exists_in_the_clinical_reference() {
    let Some(reference) = reference_source_ids() else {
        println!("skipped: shared/domain/microneedling-reference.md is not beside the repository");
        return;
    };
    assert!(
        reference.contains("S1") && reference.contains("S103"),
        "could not read the reference's source list"
    );
    let p = protocol();
    for source in &p.sources {
        assert!(
            reference.contains(&source.id),
            "sources.toml lists {} which the reference does not have",
            source.id
        );
    }
    for (entry, cited) in p.citations() {
        for source in &cited.sources {
            assert!(
                reference.contains(source),
                "{entry} cites {source}, which the reference does not have"
            );
        }
    }
}

#[test]
fn embedded_files_are_the_whole_protocol() {
    let names: Vec<&str> = EMBEDDED.iter().map(|f: &ProtocolFile| f.name).collect();
    assert_eq!(names, needlepoint_domain::protocol::FILE_NAMES.to_vec());
}
