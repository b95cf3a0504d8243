//! Screening, one rule family at a time: hard stops, referrals, zone exclusions, precautions, and
//! how they combine into one decision (the waiting periods are in `screening_waits.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::{finding, plan, rules_with};
use jiff::civil::date;
use needlepoint_domain::intake::parse;
use needlepoint_domain::plan::Decision;
use needlepoint_domain::protocol::Effect;
use serde_json::json;

#[test]
fn a_plain_intake_proceeds_without_findings() {
    let p = plan(json!({}));
    assert_eq!(p.screening.decision, Decision::Proceed);
    assert!(p.screening.findings.is_empty(), "{:?}", p.screening.findings);
    assert_eq!(p.screening.defer_until, None);
}

#[test]
fn each_hard_stop_makes_the_client_not_a_candidate() {
    for (question, rule) in [
        ("pregnant", "pregnancy"),
        ("breastfeeding", "breastfeeding"),
        ("isotretinoin_current", "isotretinoin_current"),
        ("bleeding_disorder", "bleeding_disorder"),
        ("metal_allergy", "metal_allergy"),
        ("chemo_radiation_current", "chemo_radiation_current"),
    ] {
        let p = plan(json!({ "history": { question: true } }));
        assert_eq!(p.screening.decision, Decision::NotCandidate, "{question}");
        let f = finding(&p, rule).unwrap_or_else(|| panic!("{rule} did not fire"));
        assert_eq!(f.effect, Effect::HardStop);
        assert!(!f.sources.is_empty() && !f.message.is_empty());
    }
}

#[test]
fn answering_no_fires_nothing() {
    let p = plan(json!({ "history": { "pregnant": false, "anticoagulants": false } }));
    assert_eq!(p.screening.decision, Decision::Proceed);
}

#[test]
fn each_referral_sends_the_client_to_a_physician() {
    for (question, rule) in [
        ("anticoagulants", "anticoagulants"),
        ("keloid_history", "keloid_history"),
        ("diabetes_uncontrolled", "diabetes_uncontrolled"),
        ("immunosuppressed", "immunosuppressed"),
        ("autoimmune_collagen_disease", "autoimmune_collagen_disease"),
    ] {
        let p = plan(json!({ "history": { question: true } }));
        assert_eq!(p.screening.decision, Decision::Refer, "{question}");
        assert_eq!(finding(&p, rule).map(|f| f.effect), Some(Effect::Refer));
    }
}

#[test]
fn a_hard_stop_outranks_a_referral_and_a_deferral() {
    let p = plan(json!({ "history": {
        "pregnant": true, "anticoagulants": true, "topical_retinoid_last_use": "2026-11-30"
    }}));
    assert_eq!(p.screening.decision, Decision::NotCandidate);
    // The retinoid's wait still dates the plan (issue 11, correction 2).
    assert_eq!(p.screening.defer_until, Some(date(2026, 12, 3)));
    // Strongest first.
    let effects: Vec<Effect> = p.screening.findings.iter().map(|f| f.effect).collect();
    let mut sorted = effects.clone();
    sorted.sort();
    assert_eq!(effects, sorted);
}

#[test]
fn each_active_condition_excludes_the_zones_where_it_is() {
    for (condition, rule) in [
        ("eczema", "eczema_active"),
        ("rosacea", "rosacea_active"),
        ("psoriasis", "psoriasis_active"),
        ("infection", "infection_in_zone"),
        ("cold_sore", "cold_sore_in_zone"),
        ("open_wound", "open_wound_in_zone"),
        ("suspicious_lesion", "suspicious_lesion_in_zone"),
        ("tattoo", "tattoo_in_zone"),
    ] {
        let p = plan(json!({ "conditions": [{ "condition": condition, "zones": ["cheeks"] }] }));
        assert_eq!(
            p.screening.excluded_zones,
            vec!["cheeks".to_string()],
            "{condition}"
        );
        assert_eq!(
            p.screening.decision,
            Decision::ProceedWithPrecautions,
            "{condition}"
        );
        let f = finding(&p, rule).unwrap_or_else(|| panic!("{rule} did not fire"));
        assert_eq!(
            (f.effect, f.zones.clone()),
            (Effect::ExcludeZone, vec!["cheeks".to_string()])
        );
        assert!(
            p.zones.iter().all(|z| z.zone != "cheeks"),
            "{condition}: an excluded zone was planned"
        );
        assert!(p.zones.iter().any(|z| z.zone == "forehead"));
    }
}

/// Reference §2.2, line 196: "Sunburn / irritated skin | DEFER | Reschedule". Issue 11, correction
/// 4: it defers the session (it used to exclude only the zone), until a re-check date the protocol
/// gives with no dated history item behind it.
#[test]
fn sunburn_or_irritated_skin_defers_until_the_skin_is_checked_again() {
    let p = plan(json!({ "conditions": [{ "condition": "sunburn", "zones": ["cheeks"] }] }));
    assert_eq!(p.screening.decision, Decision::Defer);
    assert!(
        p.screening.excluded_zones.is_empty(),
        "a deferral, not only an exclusion"
    );
    let f = finding(&p, "sunburn_in_zone").expect("fires");
    assert_eq!(
        (f.effect, f.zones.clone()),
        (Effect::Defer, vec!["cheeks".to_string()])
    );
    let recheck = date(2026, 12, 8);
    assert_eq!(f.until, Some(recheck));
    assert_eq!(f.recheck_on, Some(recheck));
    assert!(
        f.message.contains("re-check") && f.message.contains("2026-12-08"),
        "{}",
        f.message
    );
    assert_eq!(p.screening.defer_until, Some(recheck));
    assert_eq!(p.series.starts_on, recheck);
    // The condition was recorded as active: this intake cannot be booked even after the date; the
    // client is screened again.
    let refusal = p
        .booking_refusal(date(2026, 12, 9))
        .expect("needs a new screening");
    assert!(refusal.contains("Screen the client again"), "{refusal}");

    // Sunburn away from the requested zones is noted, and does not defer.
    let elsewhere = plan(json!({ "conditions": [{ "condition": "sunburn", "zones": ["decolletage"] }] }));
    assert_eq!(elsewhere.screening.decision, Decision::Proceed);
    assert_eq!(
        finding(&elsewhere, "sunburn_in_zone").map(|f| f.effect),
        Some(Effect::Info)
    );
}

/// Reference §2.2, line 193: "Active acne (inflammatory, papulopustular, cystic) in area | ABS in
/// most lists | Treat acne first". Issue 11, correction 5: the absolute row at every severity (mild
/// acne used to be a precaution).
#[test]
fn active_acne_in_the_treated_area_excludes_the_zone_at_any_severity() {
    for severity in [Some("mild"), Some("moderate"), Some("severe"), None] {
        let mut condition = json!({ "condition": "active_acne", "zones": ["cheeks"] });
        if let Some(severity) = severity {
            condition["severity"] = json!(severity);
        }
        let p = plan(json!({ "conditions": [condition] }));
        assert_eq!(
            p.screening.excluded_zones,
            vec!["cheeks".to_string()],
            "{severity:?}"
        );
        assert_eq!(
            finding(&p, "active_acne_in_zone").map(|f| f.effect),
            Some(Effect::ExcludeZone),
            "{severity:?}"
        );
        assert!(rules_with(&p, Effect::Precaution).is_empty(), "{severity:?}");
    }
}

/// The same row notes the conflict: "acne vulgaris listed among MN indications in skin of colour"
/// [S53]. A clinic that wants that exception turns it on in its protocol (the rule
/// `active_acne_skin_of_colour_exception`, off by default); the plan then says so.
#[test]
fn the_skin_of_colour_acne_exception_applies_only_when_the_clinic_turns_it_on() {
    let mild_acne = |fitzpatrick: u8, severity: &str| {
        common::intake(json!({
            "client": { "birth_date": "1985-06-15", "fitzpatrick": fitzpatrick },
            "conditions": [{ "condition": "active_acne", "severity": severity, "zones": ["cheeks"] }]
        }))
    };
    let built_in = common::protocol();
    let exception = built_in
        .rules
        .iter()
        .find(|r| r.id == "active_acne_skin_of_colour_exception")
        .expect("the option is there");
    assert!(!exception.enabled, "off unless the clinic turns it on");
    let off = needlepoint_domain::engine::plan(&built_in, &mild_acne(5, "mild"));
    assert_eq!(off.screening.excluded_zones, vec!["cheeks".to_string()]);

    let clinic = common::clinic_protocol(&[(
        "screening.toml",
        common::embedded_text("screening.toml").replacen(
            "id = \"active_acne_skin_of_colour_exception\"\nenabled = false",
            "id = \"active_acne_skin_of_colour_exception\"\nenabled = true",
            1,
        ),
    )]);
    let on = needlepoint_domain::engine::plan(&clinic, &mild_acne(5, "mild"));
    assert!(
        on.screening.excluded_zones.is_empty(),
        "{:?}",
        on.screening.findings
    );
    assert!(finding(&on, "active_acne_in_zone").is_none());
    let f = finding(&on, "active_acne_skin_of_colour_exception").expect("the plan says so");
    assert_eq!(
        (f.effect, f.zones.clone()),
        (Effect::Precaution, vec!["cheeks".to_string()])
    );
    assert!(f.message.contains("skin-of-colour exception"), "{}", f.message);
    assert!(f.sources.contains(&"S53".to_string()));
    // Lighter skin, or acne beyond mild: the absolute row still applies.
    for (fitzpatrick, severity) in [(2, "mild"), (5, "moderate")] {
        let still = needlepoint_domain::engine::plan(&clinic, &mild_acne(fitzpatrick, severity));
        assert_eq!(
            still.screening.excluded_zones,
            vec!["cheeks".to_string()],
            "{fitzpatrick} {severity}"
        );
    }
}

#[test]
fn a_condition_outside_the_requested_areas_is_noted_not_excluded() {
    let p = plan(json!({ "conditions": [{ "condition": "rosacea", "zones": ["nose"] }] }));
    assert!(p.screening.excluded_zones.is_empty());
    assert_eq!(p.screening.decision, Decision::Proceed);
    let f = finding(&p, "rosacea_active").expect("noted");
    assert_eq!(
        (f.effect, f.zones.clone()),
        (Effect::Info, vec!["nose".to_string()])
    );
}

#[test]
fn when_every_zone_is_excluded_no_session_can_go_ahead() {
    let p = plan(json!({ "conditions": [
        { "condition": "eczema", "zones": ["forehead"] },
        { "condition": "tattoo", "zones": ["cheeks"] }
    ]}));
    assert_eq!(p.screening.decision, Decision::Defer, "eczema settles, so wait");
    assert_eq!(
        p.screening.defer_until, None,
        "no waiting period decides the date"
    );
    assert!(p.zones.is_empty());
    assert!(finding(&p, "all_zones_excluded").is_some_and(|f| !f.sources.is_empty()));

    let lasting = plan(json!({ "conditions": [{ "condition": "tattoo", "zones": ["forehead", "cheeks"] }] }));
    assert_eq!(
        lasting.screening.decision,
        Decision::NotCandidate,
        "a tattoo does not settle"
    );
}

/// Reference §2.2, line 192: a history of HSV labialis when treating the face is REL (physician
/// review), with antiviral prophylaxis before and after, the regimen the prescriber's; §6.1,
/// line 500: the antiviral starts at least a day before. Issue 11, correction 3: a referral (it was
/// a precaution), and no session before the antiviral's lead time has passed.
#[test]
fn cold_sore_history_is_a_physician_review_with_an_antiviral_started_a_day_ahead() {
    let face = plan(json!({ "history": { "hsv_history": true } }));
    assert_eq!(face.screening.decision, Decision::Refer);
    let f = finding(&face, "hsv_prophylaxis").expect("fires for the face");
    assert_eq!(f.effect, Effect::Refer);
    assert!(f.message.contains("at least 1 day before"), "{}", f.message);
    // The treatment date cannot be the session day: the antiviral must have started the day before.
    let tomorrow = date(2026, 12, 2);
    assert_eq!(f.until, Some(tomorrow));
    assert_eq!(face.screening.defer_until, Some(tomorrow));
    assert_eq!(face.series.starts_on, tomorrow);
    let antiviral = face
        .care
        .before
        .iter()
        .find(|b| b.id == "start_antiviral")
        .map(|b| b.on);
    assert_eq!(antiviral, Some(date(2026, 12, 1)));
    // What a booking needs: the plan refuses the treatment date itself, and says why.
    let refusal = face.booking_refusal(date(2026, 12, 1)).expect("refused");
    assert!(refusal.contains("2026-12-02"), "{refusal}");

    let scalp =
        plan(json!({ "areas": ["scalp"], "concerns": ["hair_loss"], "history": { "hsv_history": true } }));
    assert!(finding(&scalp, "hsv_prophylaxis").is_none());
    assert_eq!(scalp.screening.defer_until, None);
}

/// Reference §1.5, line 111: perioral "HSV screen mandatory". Issue 11, correction 3: when the
/// perioral zone is requested, a blank cold-sore answer is an error naming the field, not "no".
#[test]
fn the_cold_sore_question_must_be_answered_when_the_perioral_zone_is_requested() {
    let p = common::protocol();
    let perioral = common::intake_json(json!({ "areas": ["perioral", "chin"] }));
    let errors = parse::from_value(&perioral, &p).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{:?}", errors.0);
    assert_eq!(errors.0[0].path, "history.hsv_history");
    assert!(
        errors.0[0].problem.contains("Around the mouth is requested"),
        "{}",
        errors.0[0].problem
    );
    let mut answered = perioral.clone();
    answered["history"] = json!({ "hsv_history": null });
    assert_eq!(
        parse::from_value(&answered, &p).unwrap_err().0[0].path,
        "history.hsv_history"
    );
    answered["history"] = json!({ "hsv_history": false });
    assert!(parse::from_value(&answered, &p).is_ok());
    // Elsewhere on the face a blank still reads as "no".
    assert!(parse::from_value(&common::intake_json(json!({ "areas": ["forehead"] })), &p).is_ok());
}

#[test]
fn age_limits_flag_off_label_use_and_minors() {
    let twenty = plan(json!({ "client": { "birth_date": "2006-01-10", "fitzpatrick": 2 } }));
    assert_eq!(
        finding(&twenty, "age_under_22").map(|f| f.effect),
        Some(Effect::Precaution)
    );
    assert_eq!(twenty.screening.decision, Decision::ProceedWithPrecautions);
    // 22 on the very day: not flagged.
    let birthday = plan(json!({ "client": { "birth_date": "2004-12-01", "fitzpatrick": 2 } }));
    assert!(finding(&birthday, "age_under_22").is_none());
    let seventeen = plan(json!({ "client": { "birth_date": "2009-06-01", "fitzpatrick": 2 } }));
    assert_eq!(seventeen.screening.decision, Decision::Refer);
}

#[test]
fn darker_skin_is_a_precaution_not_a_stop() {
    for fitzpatrick in 1..=6 {
        let p = plan(json!({ "client": { "birth_date": "1985-06-15", "fitzpatrick": fitzpatrick } }));
        let flagged = finding(&p, "darker_skin_pih_risk").is_some();
        assert_eq!(flagged, fitzpatrick >= 4, "type {fitzpatrick}");
        assert!(p.screening.decision.allows_treatment());
    }
}

#[test]
fn anaesthetic_allergy_is_a_precaution() {
    let p = plan(json!({ "history": { "anesthetic_allergy": true } }));
    assert_eq!(
        finding(&p, "anesthetic_allergy").map(|f| f.effect),
        Some(Effect::Precaution)
    );
}

#[test]
fn every_finding_names_its_rule_and_cites_sources() {
    let p = plan(json!({
        "client": { "birth_date": "2005-01-01", "fitzpatrick": 5 },
        "areas": ["forehead", "cheeks", "scalp"],
        "concerns": ["fine_lines", "product_absorption", "striae"],
        "history": { "hsv_history": true, "anticoagulants": true, "laser_last": "2026-11-01" },
        "conditions": [{ "condition": "rosacea", "zones": ["cheeks", "nose"] }]
    }));
    assert!(p.screening.findings.len() >= 8);
    for f in &p.screening.findings {
        assert!(!f.rule.is_empty());
        assert!(!f.message.is_empty(), "{}", f.rule);
        assert!(!f.sources.is_empty(), "{} cites nothing", f.rule);
        assert!(!f.evidence.is_empty(), "{} has no evidence tag", f.rule);
    }
}

/// A clinic whose prescriber has a standing arrangement may make the cold-sore rule a precaution;
/// the antiviral's lead time still holds: a same-day booking is refused, the next day is not.
#[test]
fn a_lead_time_refuses_a_same_day_booking_whatever_the_decision() {
    let clinic = common::clinic_protocol(&[(
        "screening.toml",
        common::embedded_text("screening.toml").replacen(
            "id = \"hsv_prophylaxis\"\neffect = \"refer\"",
            "id = \"hsv_prophylaxis\"\neffect = \"precaution\"",
            1,
        ),
    )]);
    let intake = common::intake(json!({ "history": { "hsv_history": true } }));
    let p = needlepoint_domain::engine::plan(&clinic, &intake);
    assert_eq!(p.screening.decision, Decision::ProceedWithPrecautions);
    assert_eq!(p.screening.defer_until, Some(date(2026, 12, 2)));
    let refusal = p.booking_refusal(date(2026, 12, 1)).expect("same day refused");
    assert!(
        refusal.contains("No session before 2026-12-02") && refusal.contains("hsv_prophylaxis"),
        "{refusal}"
    );
    assert_eq!(p.booking_refusal(date(2026, 12, 2)), None);
}

/// Issue 11, correction 9: screening items the reference lists that the intake could not record.
/// Reference §2.2: line 212 "Cardiac abnormalities / pacemaker | REL"; line 213 "Photosensitising
/// medications | REL"; line 208 "Facial surgery / new scars | DEFER | ... within 1 year ... new
/// scars 6 weeks–6 months with physician approval" (the longest wait is taken); line 198
/// "Chemotherapy / radiotherapy | ABS during; DEFER after | No radiation to the skin within 3 months".
#[test]
fn the_screening_items_the_intake_could_not_record_now_screen() {
    for (question, rule) in [
        ("implanted_electronic_device", "implanted_electronic_device"),
        ("photosensitising_medication", "photosensitising_medication"),
    ] {
        let p = plan(json!({ "history": { question: true } }));
        assert_eq!(p.screening.decision, Decision::Refer, "{question}");
        assert_eq!(
            finding(&p, rule).map(|f| f.effect),
            Some(Effect::Refer),
            "{question}"
        );
    }
    for (question, last, rule, until) in [
        (
            "facial_surgery_last",
            "2026-06-01",
            "facial_surgery_recent",
            date(2027, 6, 1),
        ),
        (
            "radiotherapy_last",
            "2026-10-01",
            "radiotherapy_recent",
            date(2027, 1, 1),
        ),
    ] {
        let p = plan(json!({ "history": { question: last } }));
        assert_eq!(p.screening.decision, Decision::Defer, "{question}");
        assert_eq!(p.screening.defer_until, Some(until), "{question}");
        assert!(finding(&p, rule).is_some(), "{question}");
    }
}
