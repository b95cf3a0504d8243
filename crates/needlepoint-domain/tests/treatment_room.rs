//! The check-in gate, the chart review and the aftercare built from the depths actually used.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::{intake_json, protocol};
use jiff::civil::{Date, date};
use needlepoint_domain::chart::{
    AnaestheticUse, Cartridge, Chart, ChartContext, ChartReview, Endpoint, ProductUse, ZoneRecord, review,
    treated_depths,
};
use needlepoint_domain::checkin::{ChangesSinceLastVisit, GateInput, check};
use needlepoint_domain::depth::{DepthRange, Mm};
use needlepoint_domain::engine;
use needlepoint_domain::intake::parse;
use needlepoint_domain::plan::Decision;
use needlepoint_domain::protocol::Protocol;

const DAY: Date = date(2026, 12, 1);

fn gate(decision: Decision, defer_until: Option<Date>) -> GateInput {
    GateInput {
        session_date: DAY,
        treatment_consent_valid: true,
        decision,
        defer_until,
        changes: Some(ChangesSinceLastVisit::default()),
        rescreened_after_changes: false,
    }
}

fn codes(input: &GateInput) -> Vec<&'static str> {
    check(input).blockers.iter().map(|b| b.code).collect()
}

#[test]
fn the_gate_opens_with_consent_a_clear_screening_and_nothing_changed() {
    let result = check(&gate(Decision::Proceed, None));
    assert!(result.may_start, "{result:?}");
    assert!(check(&gate(Decision::ProceedWithPrecautions, None)).may_start);
}

#[test]
fn the_gate_stays_shut_for_each_missing_condition() {
    let mut no_consent = gate(Decision::Proceed, None);
    no_consent.treatment_consent_valid = false;
    assert_eq!(codes(&no_consent), ["no_treatment_consent"]);

    assert_eq!(
        codes(&gate(Decision::Defer, Some(date(2026, 12, 15)))),
        ["deferred"]
    );
    assert_eq!(codes(&gate(Decision::Defer, None)), ["deferred"]);
    assert_eq!(codes(&gate(Decision::NotCandidate, None)), ["not_candidate"]);
    assert_eq!(codes(&gate(Decision::Refer, None)), ["refer"]);

    let mut unanswered = gate(Decision::Proceed, None);
    unanswered.changes = None;
    assert_eq!(codes(&unanswered), ["changes_not_answered"]);
}

/// A plan that may proceed can still name an earliest session (an antiviral's lead time, a wait
/// under a precaution): the gate holds the session until then, whatever the decision.
#[test]
fn an_earliest_session_date_blocks_until_it_comes_whatever_the_decision() {
    let tomorrow = date(2026, 12, 2);
    assert_eq!(
        codes(&gate(Decision::ProceedWithPrecautions, Some(tomorrow))),
        ["deferred"]
    );
    assert_eq!(codes(&gate(Decision::Proceed, Some(tomorrow))), ["deferred"]);
    assert!(check(&gate(Decision::ProceedWithPrecautions, Some(DAY))).may_start);
}

#[test]
fn a_deferral_whose_date_has_come_does_not_block() {
    assert!(check(&gate(Decision::Defer, Some(DAY))).may_start);
}

#[test]
fn a_change_since_the_last_visit_needs_a_new_screening() {
    let mut changed = gate(Decision::Proceed, None);
    changed.changes = Some(ChangesSinceLastVisit {
        new_medication: true,
        ..Default::default()
    });
    assert_eq!(codes(&changed), ["rescreen_required"]);
    changed.rescreened_after_changes = true;
    assert!(check(&changed).may_start);
}

struct Room {
    protocol: Protocol,
    planned: Vec<(String, Mm)>,
    formulary: Vec<String>,
}

fn room() -> Room {
    Room {
        protocol: protocol(),
        planned: vec![
            ("forehead".into(), Mm::from_hundredths(50)),
            ("cheeks".into(), Mm::from_hundredths(100)),
        ],
        formulary: vec!["Sterile HA glide".into(), "Calming balm".into()],
    }
}

fn reviewed(room: &Room, chart: &Chart, licence_max: u32, cosigned: bool) -> ChartReview {
    review(
        chart,
        &ChartContext {
            protocol: &room.protocol,
            session_date: DAY,
            planned: &room.planned,
            device_range: DepthRange::new(Mm::from_hundredths(25), Mm::from_hundredths(250)).unwrap(),
            booked_serial: "SP-0042",
            licence_max: Mm::from_hundredths(licence_max),
            formulary: &room.formulary,
            cosigned,
        },
    )
}

fn zone(zone: &str, depth: f64) -> ZoneRecord {
    ZoneRecord {
        zone: zone.into(),
        actual_depth_mm: Some(depth),
        passes: Some(4),
        speed: Some(6),
        endpoint: Some(Endpoint::Erythema),
        over_limit_reason: None,
    }
}

fn complete_chart() -> Chart {
    Chart {
        changes_since_last_visit: Some(ChangesSinceLastVisit::default()),
        photos_taken: true,
        cleansed: true,
        anaesthetic: Some(AnaestheticUse {
            agent: "lidocaine_tetracaine_7".into(),
            concentration: "7%/7%".into(),
            areas: vec!["forehead".into(), "cheeks".into()],
            applied_at: Some(DAY.at(9, 10, 0, 0)),
            removed_at: Some(DAY.at(9, 40, 0, 0)),
            occlusion: false,
        }),
        removal_and_antisepsis: true,
        device_serial: Some("SP-0042".into()),
        cartridge: Some(Cartridge {
            lot: "LOT-7731".into(),
            expiry: Some(date(2027, 6, 30)),
            sterile_pack_intact: true,
        }),
        zones: vec![zone("forehead", 0.5), zone("cheeks", 1.0)],
        glide: Some(ProductUse {
            product: "Sterile HA glide".into(),
            lot: "G-19".into(),
            off_formulary_reason: None,
        }),
        post_products: vec![ProductUse {
            product: "Calming balm".into(),
            lot: "B-2".into(),
            off_formulary_reason: None,
        }],
        adverse_events: vec![],
        notes: String::new(),
    }
}

fn fields(problems: &[needlepoint_domain::chart::ChartProblem]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

#[test]
fn a_complete_chart_may_be_signed_and_says_when_the_numbing_was_ready() {
    let room = room();
    let review = reviewed(&room, &complete_chart(), 150, false);
    assert!(review.may_sign(), "{review:?}");
    assert_eq!(review.numbing_ready_at, Some(DAY.at(9, 30, 0, 0)));
    assert!(review.warnings.is_empty(), "{:?}", review.warnings);
}

#[test]
fn an_empty_chart_saves_but_cannot_be_signed() {
    let room = room();
    let review = reviewed(&room, &Chart::default(), 150, false);
    assert!(review.refusals.is_empty(), "{:?}", review.refusals);
    assert_eq!(
        fields(&review.sign_blockers),
        [
            "photos_taken",
            "cleansed",
            "anaesthetic",
            "removal_and_antisepsis",
            "device_serial",
            "cartridge",
            "zones",
            "glide"
        ]
    );
}

#[test]
fn a_serial_other_than_the_booked_device_warns() {
    let room = room();
    let mut chart = complete_chart();
    chart.device_serial = Some("SP-9999".into());
    let review = reviewed(&room, &chart, 150, false);
    assert_eq!(fields(&review.warnings), ["device_serial"]);
    assert!(review.may_sign());
}

#[test]
fn an_expired_cartridge_lot_is_refused() {
    let room = room();
    let mut chart = complete_chart();
    chart.cartridge.as_mut().unwrap().expiry = Some(date(2026, 11, 30));
    let review = reviewed(&room, &chart, 150, false);
    assert_eq!(fields(&review.refusals), ["cartridge.expiry"]);
    assert!(review.refusals[0].message.contains("expired on 2026-11-30"));
}

#[test]
fn a_zone_outside_the_plan_or_the_device_range_is_refused() {
    let room = room();
    let mut chart = complete_chart();
    chart.zones.push(zone("neck", 0.5));
    chart.zones[0].actual_depth_mm = Some(3.0);
    let review = reviewed(&room, &chart, 150, false);
    assert_eq!(
        fields(&review.refusals),
        ["zones[0].actual_depth_mm", "zones[2].zone"]
    );
}

#[test]
fn a_depth_above_the_licence_needs_a_reason_and_a_co_signature() {
    let room = room();
    let chart = complete_chart(); // cheeks at 1.0 mm
    let review = reviewed(&room, &chart, 75, false);
    assert_eq!(review.needs_cosign, ["cheeks"]);
    assert_eq!(
        fields(&review.sign_blockers),
        ["zones[1].over_limit_reason", "zones[1].actual_depth_mm"]
    );

    let mut with_reason = chart.clone();
    with_reason.zones[1].over_limit_reason = Some("Atrophic scars; supervised by Dr Osei".into());
    assert_eq!(
        fields(&reviewed(&room, &with_reason, 75, false).sign_blockers),
        ["zones[1].actual_depth_mm"]
    );
    assert!(reviewed(&room, &with_reason, 75, true).may_sign());
}

#[test]
fn a_depth_above_the_zones_bounds_needs_a_co_signature_whatever_the_licence() {
    let room = room();
    let mut chart = complete_chart();
    chart.zones[0].actual_depth_mm = Some(1.0); // forehead bounds end at 0.75 mm
    let review = reviewed(&room, &chart, 250, false);
    assert_eq!(review.needs_cosign, ["forehead"]);
    assert!(
        review
            .sign_blockers
            .iter()
            .any(|p| p.message.contains("zone's maximum of 0.75 mm"))
    );
}

#[test]
fn a_product_outside_the_formulary_needs_a_reason() {
    let room = room();
    let mut chart = complete_chart();
    chart.glide = Some(ProductUse {
        product: "Vitamin C serum".into(),
        lot: "V1".into(),
        off_formulary_reason: None,
    });
    let review = reviewed(&room, &chart, 150, false);
    assert_eq!(fields(&review.sign_blockers), ["glide.off_formulary_reason"]);
    assert!(review.sign_blockers[0].message.contains("granulomas"));
}

#[test]
fn occlusion_over_face_neck_and_decolletage_warns_without_blocking() {
    let mut room = room();
    room.planned.push(("neck".into(), Mm::from_hundredths(50)));
    let mut chart = complete_chart();
    let numbing = chart.anaesthetic.as_mut().unwrap();
    numbing.occlusion = true;
    numbing.areas = vec![
        "forehead".into(),
        "cheeks".into(),
        "neck".into(),
        "decolletage".into(),
    ];
    numbing.removed_at = Some(DAY.at(9, 20, 0, 0));
    let review = reviewed(&room, &chart, 150, false);
    assert_eq!(
        fields(&review.warnings),
        ["anaesthetic.occlusion", "anaesthetic.removed_at"]
    );
    assert!(review.may_sign());
}

#[test]
fn aftercare_follows_the_depths_actually_used() {
    let protocol = protocol();
    let intake = parse::from_value(
        &intake_json(serde_json::json!({ "areas": ["cheeks"], "concerns": ["acne_scars"] })),
        &protocol,
    )
    .unwrap();
    let plan = engine::plan(&protocol, &intake);
    let planned_depth = plan.zones[0].depth_mm.planned;
    let expected_for = |depth: f64| {
        let mut chart = complete_chart();
        chart.zones = vec![zone("cheeks", depth)];
        let care = engine::aftercare(&protocol, &intake, &plan.zones, &treated_depths(&chart), DAY);
        care.expected
            .iter()
            .map(|e| (e.id.clone(), e.until))
            .collect::<Vec<_>>()
    };
    let shallow = expected_for(0.25);
    let deep = expected_for(2.0);
    assert_ne!(
        shallow, deep,
        "a 2 mm session must not get the 0.25 mm expectations"
    );
    let last = |v: &Vec<(String, Date)>| v.iter().map(|(_, until)| *until).max().unwrap();
    assert!(
        last(&deep) > last(&shallow),
        "deeper work takes longer to settle: {shallow:?} vs {deep:?}"
    );
    assert!(planned_depth > Mm::ZERO);
}

/// Which areas count as large for numbing under occlusion is protocol data (`[numbing]
/// large_area_regions` in procedure.toml): the reference's face + neck + décolletage (§3.2, line
/// 283, from the FDA advisories on large areas under wrap, line 276), and the body, where the
/// advisories' deaths happened (legs under plastic wrap): the reference does not list the body, so
/// the protocol takes the safer reading and warns there too.
#[test]
fn which_areas_count_as_large_under_occlusion_comes_from_the_protocol() {
    let p = protocol();
    assert_eq!(
        p.numbing.large_area_regions,
        vec![
            vec!["face".to_string(), "neck".into(), "decolletage".into()],
            vec!["body".to_string()]
        ]
    );
    let mut body_room = room();
    body_room.planned = vec![("body".into(), Mm::from_hundredths(150))];
    let mut chart = complete_chart();
    chart.zones = vec![zone("body", 1.5)];
    let numbing = chart.anaesthetic.as_mut().unwrap();
    numbing.occlusion = true;
    numbing.areas = vec!["body".into()];
    let review = reviewed(&body_room, &chart, 200, false);
    assert_eq!(fields(&review.warnings), ["anaesthetic.occlusion"]);
    assert!(
        review.warnings[0].message.contains("Body"),
        "{}",
        review.warnings[0].message
    );
    // Face alone under wrap is not a large area.
    let mut face = complete_chart();
    face.anaesthetic.as_mut().unwrap().occlusion = true;
    assert!(fields(&reviewed(&room(), &face, 150, false).warnings).is_empty());
}

/// The chart's numbing-area choices: the planned zones, then the protocol's extra zones (numbing
/// often spreads past the treated zones; `[numbing] extra_zones`), each once.
#[test]
fn the_numbing_area_choices_come_from_the_plan_and_the_protocol() {
    let p = protocol();
    let planned = vec!["forehead".to_string(), "neck".to_string()];
    assert_eq!(
        needlepoint_domain::chart::numbing_area_choices(&p, &planned),
        ["forehead", "neck", "decolletage"]
    );
}
