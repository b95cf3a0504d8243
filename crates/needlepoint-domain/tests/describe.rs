//! The protocol as a readable document for its medical director (issue 11): every zone, concern,
//! rule, wait, care item, question and option with its sources and evidence tags, and the
//! differences between two protocols, entry by entry and fact by fact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::embedded_text as embedded;
use needlepoint_domain::protocol::describe::{ChangeKind, describe, diff};

#[test]
fn the_description_covers_every_entry_with_its_sources_and_evidence() {
    let p = common::protocol();
    let d = describe(&p);
    assert_eq!(
        (d.name.as_str(), d.version.as_str(), d.digest.as_str()),
        (p.name.as_str(), p.version.as_str(), p.digest.as_str())
    );
    let sections: Vec<&str> = d.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        sections,
        [
            "options",
            "zones",
            "concerns",
            "devices",
            "questions",
            "checkin",
            "conditions",
            "rules",
            "waits",
            "procedure",
            "care",
            "sources"
        ]
    );
    let section = |id: &str| d.sections.iter().find(|s| s.id == id).unwrap();
    assert_eq!(section("zones").entries.len(), p.zones.len());
    assert_eq!(section("rules").entries.len(), p.rules.len());
    assert_eq!(section("questions").entries.len(), p.questions.len());
    for s in d.sections.iter().filter(|s| s.id != "sources") {
        for e in &s.entries {
            assert!(
                !e.sources.is_empty() && !e.evidence.is_empty(),
                "{}/{} cites nothing",
                s.id,
                e.id
            );
            assert!(!e.facts.is_empty(), "{}/{} says nothing", s.id, e.id);
        }
    }
    let fact = |section_id: &str, entry: &str, name: &str| {
        section(section_id)
            .entries
            .iter()
            .find(|e| e.id == entry)
            .and_then(|e| e.facts.iter().find(|f| f.name == name))
            .map(|f| f.value.clone())
            .unwrap_or_else(|| panic!("{section_id}/{entry}/{name}"))
    };
    assert_eq!(fact("zones", "forehead", "bounds"), "0.25-0.75 mm");
    assert_eq!(fact("rules", "hsv_prophylaxis", "lead time"), "1 day");
    assert!(fact("rules", "isotretinoin_recent", "when").contains("within 6 months"));
    assert_eq!(
        fact("rules", "active_acne_skin_of_colour_exception", "enabled"),
        "no (an option the clinic may turn on)"
    );
    assert_eq!(fact("waits", "chemical_peel_deep_recent", "wait"), "3 months");
    assert_eq!(fact("options", "first_session_lower_half_of", "value"), "zone");
    assert_eq!(fact("options", "referral_carries_waiting_dates", "value"), "yes");
    assert_eq!(fact("options", "concerns_combine", "value"), "deepest");
    assert!(fact("options", "large_area_regions", "value").contains("face + neck + decolletage"));
    assert_eq!(
        fact("questions", "chemical_peel_depth", "answer"),
        "one of: superficial, medium, deep"
    );
    assert!(fact("questions", "hsv_history", "required when").contains("perioral"));
    // It serialises for the web page.
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["sections"][1]["id"], "zones");
}

#[test]
fn a_protocol_compared_with_itself_has_no_differences() {
    let p = common::protocol();
    let changes = diff(&describe(&p), &describe(&p));
    assert!(changes.changes.is_empty(), "{:?}", changes.changes);
}

#[test]
fn a_clinics_protocol_is_compared_with_the_default_entry_by_entry() {
    let zones = embedded("zones.toml").replacen("max_mm = 0.75", "max_mm = 0.7", 1);
    let screening = format!(
        "{}\n{}",
        embedded("screening.toml").replacen("wait_months = 6", "wait_months = 12", 1),
        "[[rule]]\nid = \"age_over_80\"\neffect = \"refer\"\nwhen = { fitzpatrick_at_least = 6 }\nmessage = \"x\"\nsources = [\"S18\"]\nevidence = [\"D\"]\n"
    );
    let manifest = "name = \"Rose Clinic protocol\"\nversion = \"3\"\n".to_string();
    let clinic = common::clinic_protocol(&[
        ("zones.toml", zones),
        ("screening.toml", screening),
        ("protocol.toml", manifest),
    ]);
    let built_in = common::protocol();
    let d = diff(&describe(&built_in), &describe(&clinic));
    assert_eq!(d.from.version, built_in.version);
    assert_eq!(d.to.name, "Rose Clinic protocol");
    let change = |section: &str, id: &str| {
        d.changes
            .iter()
            .find(|c| c.section == section && c.id == id)
            .unwrap_or_else(|| panic!("{section}/{id} in {:#?}", d.changes))
    };
    let forehead = change("zones", "forehead");
    assert_eq!(forehead.change, ChangeKind::Changed);
    let bounds = forehead.facts.iter().find(|f| f.name == "bounds").unwrap();
    assert_eq!(
        (bounds.before.as_deref(), bounds.after.as_deref()),
        (Some("0.25-0.75 mm"), Some("0.25-0.7 mm"))
    );
    assert_eq!(change("rules", "age_over_80").change, ChangeKind::Added);
    let wait = change("waits", "isotretinoin_recent");
    assert!(
        wait.facts
            .iter()
            .any(|f| f.name == "wait" && f.after.as_deref() == Some("12 months"))
    );
    assert!(
        d.changes.iter().all(|c| c.section != "concerns"),
        "nothing else changed"
    );
}
