//! Clinic-wide re-screening (issue 11): when the protocol changes, each client's plan is made again
//! and compared with the stored one; the comparison says whose decision, dates or depths changed,
//! and why. Nothing is changed silently: the comparison is what a practitioner reviews.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use jiff::civil::date;
use needlepoint_domain::engine;
use needlepoint_domain::plan::Decision;
use needlepoint_domain::protocol::Protocol;
use needlepoint_domain::rescreen::{PlanChange, compare};
use serde_json::json;

/// A clinic's new protocol version: isotretinoin waits 12 months, the forehead stops at 0.7 mm.
fn new_version() -> Protocol {
    common::clinic_protocol(&[
        (
            "screening.toml",
            common::embedded_text("screening.toml").replacen("wait_months = 6", "wait_months = 12", 1),
        ),
        (
            "zones.toml",
            common::embedded_text("zones.toml").replacen("max_mm = 0.75", "max_mm = 0.7", 1),
        ),
        (
            "protocol.toml",
            "name = \"Rose Clinic protocol\"\nversion = \"4\"\n".into(),
        ),
    ])
}

#[test]
fn a_changed_plan_says_what_changed_and_why() {
    let intake = common::intake(json!({ "history": { "isotretinoin_last_dose": "2026-04-01" } }));
    let old = engine::plan(&common::protocol(), &intake);
    let new = engine::plan(&new_version(), &intake);
    let changes = compare(&old, &new);
    assert_eq!(changes.from.version, "2026.12.1");
    assert_eq!(changes.to.name, "Rose Clinic protocol");
    assert!(!changes.is_empty());

    let decision = changes
        .changes
        .iter()
        .find_map(|c| match c {
            PlanChange::Decision { before, after, why } => Some((*before, *after, why.clone())),
            _ => None,
        })
        .expect("the decision changed");
    assert_eq!((decision.0, decision.1), (Decision::Proceed, Decision::Defer));
    assert!(
        decision.2.iter().any(|w| w.contains("isotretinoin_recent")),
        "{:?}",
        decision.2
    );

    let defer = changes
        .changes
        .iter()
        .find_map(|c| match c {
            PlanChange::DeferUntil { before, after, why } => Some((*before, *after, why.clone())),
            _ => None,
        })
        .expect("the earliest session changed");
    assert_eq!((defer.0, defer.1), (None, Some(date(2027, 4, 1))));
    assert!(
        defer
            .2
            .iter()
            .any(|w| w.contains("isotretinoin_recent") && w.contains("2027-04-01")),
        "{:?}",
        defer.2
    );

    assert!(
        changes
            .changes
            .iter()
            .any(|c| matches!(c, PlanChange::SeriesDates { after, .. } if after[0] == date(2027, 4, 1)))
    );

    let forehead = changes
        .changes
        .iter()
        .find_map(|c| match c {
            PlanChange::ZoneDepth {
                zone,
                before,
                after,
                why,
            } if zone == "forehead" => Some((*before, *after, why.clone())),
            _ => None,
        })
        .expect("the forehead's depth changed");
    assert_eq!(forehead.0.map(|d| d.max.to_string()), Some("0.75".into()));
    assert_eq!(forehead.1.map(|d| d.max.to_string()), Some("0.7".into()));
    assert!(
        forehead.2.iter().any(|w| w.contains("Zone bounds: 0.25-0.7 mm")),
        "{:?}",
        forehead.2
    );
    assert!(
        changes
            .changes
            .iter()
            .any(|c| matches!(c, PlanChange::FindingAdded { rule, .. } if rule == "isotretinoin_recent"))
    );
    // The report serialises for the director's page.
    let json = serde_json::to_value(&changes).unwrap();
    assert_eq!(json["changes"][0]["what"], "decision");
}

#[test]
fn a_plan_compared_with_itself_has_no_changes() {
    let plan = common::plan(json!({ "history": { "hsv_history": true }, "areas": ["forehead", "perioral"] }));
    assert!(compare(&plan, &plan).is_empty());
}

#[test]
fn a_zone_that_is_no_longer_planned_says_why() {
    let intake = common::intake(
        json!({ "areas": ["forehead"], "device": { "class": "pen", "min_mm": 0.75, "max_mm": 2.5 } }),
    );
    let old = engine::plan(&common::protocol(), &intake);
    let new = engine::plan(&new_version(), &intake);
    assert_eq!(old.zones.len(), 1);
    let changes = compare(&old, &new);
    let why = changes
        .changes
        .iter()
        .find_map(|c| match c {
            PlanChange::ZoneDepth {
                zone,
                after: None,
                why,
                ..
            } if zone == "forehead" => Some(why.clone()),
            _ => None,
        })
        .expect("the forehead is no longer planned");
    assert!(
        why.iter().any(|w| w.contains("not planned with this device")),
        "{why:?}"
    );
    assert!(
        changes
            .changes
            .iter()
            .any(|c| matches!(c, PlanChange::FindingAdded { rule, .. } if rule == "nothing_to_plan"))
    );
}
