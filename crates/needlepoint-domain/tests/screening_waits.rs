//! Screening's waiting periods: what each waits for, how long, and how the waits date the plan
//! whatever the decision.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::{finding, plan, rules_with};
use jiff::civil::date;
use needlepoint_domain::intake::parse;
use needlepoint_domain::plan::Decision;
use needlepoint_domain::protocol::Effect;
use serde_json::json;

/// Reference §2.2 (line 177): DEFER is "absolute until a waiting period elapses"; line 185: the
/// isotretinoin wait. Issue 11, correction 2: when a referral or a hard stop outranks a waiting
/// period, the wait still dates the earliest session, the series and the care. (Before, an
/// anticoagulant plus isotretinoin stopped two months ago gave sessions the next month.)
#[test]
fn a_waiting_period_dates_the_plan_whatever_the_decision() {
    let p = plan(json!({ "history": { "anticoagulants": true, "isotretinoin_last_dose": "2026-10-01" } }));
    assert_eq!(p.screening.decision, Decision::Refer);
    let until = date(2027, 4, 1);
    assert_eq!(p.screening.defer_until, Some(until));
    assert_eq!(p.series.starts_on, until);
    assert!(
        p.series.tracks.iter().flat_map(|t| &t.dates).all(|d| *d >= until),
        "{:?}",
        p.series.dates
    );
    let makeup_free = p
        .care
        .before
        .iter()
        .find(|b| b.id == "arrive_makeup_free")
        .map(|b| b.on);
    assert_eq!(makeup_free, Some(until));
    assert!(p.care.after.iter().all(|a| a.from >= until));

    let stop = plan(json!({ "history": { "pregnant": true, "tanning_last": "2026-11-25" } }));
    assert_eq!(stop.screening.decision, Decision::NotCandidate);
    assert_eq!(stop.screening.defer_until, Some(date(2026, 12, 9)));
    assert_eq!(stop.series.starts_on, date(2026, 12, 9));
}

/// A named option, `[settings] referral_carries_waiting_dates`: the referral's finding also
/// names the date the waiting periods allow, so the physician sees it. The plan's dates follow the
/// waits either way (that is not an option).
#[test]
fn a_referral_carries_the_waiting_dates() {
    let p = plan(json!({ "history": { "keloid_history": true, "laser_last": "2026-10-20" } }));
    assert_eq!(p.screening.decision, Decision::Refer);
    let referral = finding(&p, "keloid_history").unwrap();
    assert_eq!(referral.until, Some(date(2027, 1, 12)));
    assert!(
        referral.message.contains("no session before 2027-01-12"),
        "{}",
        referral.message
    );
    assert!(common::protocol().referral_carries_waiting_dates);
}

#[test]
fn waiting_periods_defer_until_the_date_they_end() {
    for (question, last, until) in [
        ("isotretinoin_last_dose", "2026-08-31", "2027-02-28"), // 6 months, clamped to month end
        ("topical_retinoid_last_use", "2026-11-30", "2026-12-03"),
        ("exfoliant_last_use", "2026-11-29", "2026-12-02"),
        ("dermal_filler_last", "2026-11-20", "2026-12-04"),
        ("neuromodulator_last", "2026-11-25", "2026-12-09"),
        ("laser_non_ablative_last", "2026-11-15", "2026-12-06"),
        ("laser_ablative_last", "2026-10-01", "2026-12-24"),
        ("laser_last", "2026-10-01", "2026-12-24"),
        ("tanning_last", "2026-11-25", "2026-12-09"),
    ] {
        let p = plan(json!({ "history": { question: last } }));
        assert_eq!(p.screening.decision, Decision::Defer, "{question}");
        assert_eq!(
            p.screening.defer_until.map(|d| d.to_string()),
            Some(until.to_string()),
            "{question}"
        );
        assert_eq!(
            p.series.starts_on.to_string(),
            until,
            "the series starts when the wait ends"
        );
    }
}

/// Reference §2.2, line 206: "Chemical peel / facial / dermabrasion | DEFER | Peels/facials 1 month
/// [K]; deep peel 30 days [K]; deep peel or dermabrasion 3 months [K, M InMode]". Issue 11,
/// correction 6: the peel's depth is recorded and decides the wait; an unrecorded depth takes the
/// safe reading (the deep peel's 3 months), as an unrecorded laser type already does.
#[test]
fn a_peel_waits_by_its_depth_and_an_unrecorded_depth_waits_longest() {
    for (depth, rule, until) in [
        (Some("superficial"), "chemical_peel_recent", date(2026, 12, 10)),
        (Some("medium"), "chemical_peel_recent", date(2026, 12, 10)),
        (Some("deep"), "chemical_peel_deep_recent", date(2027, 2, 10)),
        (None, "chemical_peel_depth_unknown", date(2027, 2, 10)),
    ] {
        let mut history = json!({ "chemical_peel_last": "2026-11-10" });
        if let Some(depth) = depth {
            history["chemical_peel_depth"] = json!(depth);
        }
        let p = plan(json!({ "history": history }));
        assert_eq!(p.screening.decision, Decision::Defer, "{depth:?}");
        assert_eq!(p.screening.defer_until, Some(until), "{depth:?}");
        assert_eq!(rules_with(&p, Effect::Defer), vec![rule.to_string()], "{depth:?}");
    }
    let unknown = plan(json!({ "history": { "chemical_peel_last": "2026-11-10" } }));
    let f = finding(&unknown, "chemical_peel_depth_unknown").unwrap();
    assert!(f.message.contains("not recorded"), "{}", f.message);
    // A superficial peel six weeks ago has passed its wait.
    let passed = plan(
        json!({ "history": { "chemical_peel_last": "2026-10-20", "chemical_peel_depth": "superficial" } }),
    );
    assert_eq!(passed.screening.decision, Decision::Proceed);
    // A depth with no date would hide the wait: refused, naming the field.
    let errors = parse::from_value(
        &common::intake_json(json!({ "history": { "chemical_peel_depth": "deep" } })),
        &common::protocol(),
    )
    .unwrap_err();
    assert_eq!(errors.0[0].path, "history.chemical_peel_depth");
    assert!(
        errors.0[0].problem.contains("chemical_peel_last"),
        "{:?}",
        errors.0
    );
    let errors = parse::from_value(
        &common::intake_json(
            json!({ "history": { "chemical_peel_last": "2026-11-10", "chemical_peel_depth": "very deep" } }),
        ),
        &common::protocol(),
    )
    .unwrap_err();
    assert!(
        errors.0[0].problem.contains("superficial, medium, deep"),
        "{:?}",
        errors.0
    );
}

#[test]
fn a_waiting_period_that_has_passed_fires_nothing() {
    // Retinoid stopped exactly 3 days before: treatment is allowed on the day the wait ends.
    let p = plan(
        json!({ "history": { "topical_retinoid_last_use": "2026-11-28", "isotretinoin_last_dose": "2026-06-01" } }),
    );
    assert_eq!(p.screening.decision, Decision::Proceed);
}

#[test]
fn the_latest_of_several_deferrals_decides() {
    let p = plan(
        json!({ "history": { "topical_retinoid_last_use": "2026-11-30", "dermal_filler_last": "2026-11-25" } }),
    );
    assert_eq!(
        p.screening.defer_until.map(|d| d.to_string()),
        Some("2026-12-09".into())
    );
    assert_eq!(rules_with(&p, Effect::Defer).len(), 2);
}

#[test]
fn an_unrecorded_laser_type_waits_as_long_as_an_ablative_one() {
    let unknown = plan(json!({ "history": { "laser_last": "2026-11-20" } }));
    let non_ablative = plan(json!({ "history": { "laser_non_ablative_last": "2026-11-20" } }));
    assert_eq!(
        non_ablative.screening.defer_until.map(|d| d.to_string()),
        Some("2026-12-11".into())
    );
    assert_eq!(
        unknown.screening.defer_until.map(|d| d.to_string()),
        Some("2027-02-12".into())
    );
}
