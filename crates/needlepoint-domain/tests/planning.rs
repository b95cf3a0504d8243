//! Depth planning, the session timeline, the series and the care schedule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::{finding, plan};
use needlepoint_domain::plan::{Plan, ZonePlan};
use needlepoint_domain::protocol::Effect;
use serde_json::json;

fn zone<'p>(plan: &'p Plan, id: &str) -> &'p ZonePlan {
    plan.zones
        .iter()
        .find(|z| z.zone == id)
        .unwrap_or_else(|| panic!("{id} was not planned: {:?}", plan.unplanned_zones))
}

fn mm(zone: &ZonePlan) -> (String, String, String) {
    let d = zone.depth_mm;
    (d.min.to_string(), d.max.to_string(), d.planned.to_string())
}

fn s(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.into(), b.into(), c.into())
}

#[test]
fn depth_is_the_concern_range_inside_the_zone_bounds() {
    let p = plan(json!({ "areas": ["forehead", "cheeks", "neck"] }));
    assert_eq!(mm(zone(&p, "forehead")), s("0.5", "0.75", "0.6"));
    assert_eq!(mm(zone(&p, "cheeks")), s("0.5", "1.5", "1.0"));
    assert_eq!(mm(zone(&p, "neck")), s("0.5", "1.0", "0.75"));
    assert!(
        zone(&p, "forehead")
            .reasons
            .iter()
            .any(|r| r.contains("0.25-0.75 mm"))
    );
}

#[test]
fn a_concern_deeper_than_the_zone_leaves_the_zone_bounds_in_charge() {
    // Fine lines usually start at 0.5 mm, the very top of the periorbital bounds (0.2-0.5);
    // the pen's 0.25 mm minimum then narrows the range.
    let p = plan(json!({ "areas": ["periorbital"] }));
    assert_eq!(mm(zone(&p, "periorbital")), s("0.25", "0.5", "0.35"));
    assert!(
        zone(&p, "periorbital")
            .restrictions
            .iter()
            .any(|r| r.contains("orbital rim"))
    );
}

#[test]
fn scars_extend_the_cheek_bounds_and_drive_the_depth() {
    let scars = plan(json!({ "areas": ["cheeks"], "concerns": ["fine_lines", "acne_scars"] }));
    assert_eq!(mm(zone(&scars, "cheeks")), s("1.0", "2.0", "1.5"));
    let lines = plan(json!({ "areas": ["cheeks"], "concerns": ["fine_lines"] }));
    assert_eq!(
        zone(&lines, "cheeks").depth_mm.max.to_string(),
        "1.5",
        "without scars the cheeks stop at 1.5"
    );
}

#[test]
fn the_device_range_narrows_the_plan() {
    let p = plan(
        json!({ "areas": ["cheeks"], "concerns": ["acne_scars"], "device": { "model": "skinpen_precision" } }),
    );
    assert_eq!(mm(zone(&p, "cheeks")), s("1.0", "1.5", "1.25"));
    assert!(zone(&p, "cheeks").reasons.iter().any(|r| r.contains("SkinPen")));
}

#[test]
fn a_zone_the_device_cannot_reach_is_reported_not_planned() {
    let p = plan(
        json!({ "areas": ["forehead", "cheeks"], "device": { "class": "roller", "min_mm": 1.0, "max_mm": 1.0 } }),
    );
    assert!(p.zones.iter().all(|z| z.zone != "forehead"));
    assert_eq!(p.unplanned_zones.len(), 1);
    assert_eq!(p.unplanned_zones[0].zone, "forehead");
    assert!(p.unplanned_zones[0].reason.contains("1.0 mm"));
    assert_eq!(
        finding(&p, "zone_not_planned").map(|f| f.effect),
        Some(Effect::Info)
    );
    assert_eq!(mm(zone(&p, "cheeks")), s("1.0", "1.0", "1.0"));
}

#[test]
fn darker_skin_starts_in_the_lower_half_at_a_first_session_only() {
    let first =
        plan(json!({ "client": { "birth_date": "1985-06-15", "fitzpatrick": 5 }, "areas": ["cheeks"] }));
    assert_eq!(mm(zone(&first, "cheeks")), s("0.5", "1.0", "0.75"));
    let later = plan(
        json!({ "client": { "birth_date": "1985-06-15", "fitzpatrick": 5 }, "areas": ["cheeks"], "session_number": 2 }),
    );
    assert_eq!(mm(zone(&later, "cheeks")), s("0.5", "1.5", "1.0"));
    let light =
        plan(json!({ "client": { "birth_date": "1985-06-15", "fitzpatrick": 3 }, "areas": ["cheeks"] }));
    assert_eq!(mm(zone(&light, "cheeks")), s("0.5", "1.5", "1.0"));
}

#[test]
fn darker_skin_halving_happens_before_the_device_so_a_fixed_roller_cannot_overshoot() {
    // Type VI neck: sun damage 0.5-1.0 halves to 0.5-0.75; a 1.0 mm roller is too deep for it.
    let p = plan(json!({
        "client": { "birth_date": "1985-06-15", "fitzpatrick": 6 },
        "areas": ["neck"], "concerns": ["sun_damage"],
        "device": { "model": "roller_192_1_0" }
    }));
    assert!(p.zones.is_empty());
    assert_eq!(p.unplanned_zones[0].zone, "neck");
}

#[test]
fn a_zone_without_a_concern_for_it_is_reported() {
    let p = plan(json!({ "areas": ["scalp", "forehead"], "concerns": ["fine_lines"] }));
    assert_eq!(
        p.unplanned_zones
            .iter()
            .map(|u| u.zone.as_str())
            .collect::<Vec<_>>(),
        vec!["scalp"]
    );
    let q = plan(json!({ "areas": ["forehead"], "concerns": ["fine_lines", "hair_loss"] }));
    assert!(finding(&q, "concern_without_zone").is_some());
}

#[test]
fn off_label_use_of_a_catalogue_device_is_flagged() {
    let p = plan(json!({
        "client": { "birth_date": "2006-03-01", "fitzpatrick": 4 },
        "areas": ["cheeks"], "concerns": ["fine_lines", "acne_scars"],
        "device": { "model": "exceed_unlimited" }
    }));
    let rules: Vec<&str> = p.screening.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"device_off_label_age"), "{rules:?}");
    assert!(rules.contains(&"device_off_label_fitzpatrick"), "{rules:?}");
    assert!(
        !rules.contains(&"device_off_label_indication"),
        "both concerns are labelled"
    );
    let q = plan(json!({ "concerns": ["texture_tone"], "device": { "model": "skinpen_precision" } }));
    assert!(finding(&q, "device_off_label_indication").is_some());
}

#[test]
fn advisories_accompany_concerns_with_caveats() {
    let p = plan(json!({ "concerns": ["product_absorption"] }));
    let f = finding(&p, "product_absorption_advisory").expect("advisory");
    assert!(f.message.contains("not a labelled indication"));
    assert_eq!(
        p.screening.decision.name(),
        "proceed",
        "an advisory informs; it does not change the decision"
    );
}

#[test]
fn the_timeline_needles_zone_by_zone_and_adds_up() {
    let p = plan(
        json!({ "areas": ["forehead", "glabella", "periorbital", "nose", "cheeks", "perioral", "chin", "jawline"], "concerns": ["fine_lines", "acne_scars"], "history": { "hsv_history": false } }),
    );
    let needling: Vec<(&str, u32)> = p
        .session
        .steps
        .iter()
        .filter(|s| s.step == "needling")
        .map(|s| (s.zone.as_deref().unwrap_or(""), s.minutes))
        .collect();
    assert_eq!(needling.len(), 8);
    assert_eq!(
        p.session.needling_minutes, 24,
        "a full face is about 24 minutes of needling"
    );
    assert_eq!(
        p.session.total_minutes,
        p.session.steps.iter().map(|s| s.minutes).sum::<u32>()
    );
    assert_eq!(p.session.total_minutes, 84);
    assert_eq!(p.session.total_without_numbing_minutes, 54);
    let order: Vec<&str> = p.session.steps.iter().map(|s| s.step.as_str()).collect();
    let position = |id: &str| order.iter().position(|s| *s == id).unwrap_or(usize::MAX);
    assert!(position("cleanse") < position("numbing"));
    assert!(position("numbing") < position("removal_antisepsis"));
    assert!(position("removal_antisepsis") < position("needling"));
    assert!(position("needling") < position("soothing"));
}

#[test]
fn the_series_dates_follow_the_interval() {
    let p = plan(json!({}));
    assert_eq!(p.series.sessions, 4);
    assert_eq!((p.series.interval_days.min, p.series.interval_days.max), (28, 42));
    let dates: Vec<String> = p.series.dates.iter().map(ToString::to_string).collect();
    assert_eq!(dates, ["2026-12-01", "2026-12-29", "2027-01-26", "2027-02-23"]);
}

#[test]
fn darker_skin_lengthens_the_interval_by_two_weeks() {
    let p = plan(json!({ "client": { "birth_date": "1985-06-15", "fitzpatrick": 4 } }));
    assert_eq!((p.series.interval_days.min, p.series.interval_days.max), (42, 56));
    assert_eq!(p.series.dates[1].to_string(), "2027-01-12");
}

#[test]
fn scalp_keeps_its_own_weekly_rhythm_beside_the_face() {
    let p = plan(json!({
        "client": { "birth_date": "1985-06-15", "fitzpatrick": 5 },
        "areas": ["scalp", "forehead"], "concerns": ["hair_loss", "fine_lines"]
    }));
    assert_eq!(p.series.tracks.len(), 2);
    let scalp = &p.series.tracks[0];
    assert_eq!(scalp.zones, vec!["scalp".to_string()]);
    assert_eq!(
        (scalp.sessions, scalp.interval_days.min, scalp.interval_days.max),
        (12, 7, 14)
    );
    assert_eq!(scalp.dates[1].to_string(), "2026-12-08");
    let face = &p.series.tracks[1];
    assert_eq!(face.zones, vec!["forehead".to_string()]);
    assert_eq!(
        face.interval_days.min, 42,
        "the face is lengthened for type V; the scalp is not"
    );
}

#[test]
fn later_sessions_list_only_the_remaining_dates() {
    let p = plan(json!({ "session_number": 3 }));
    assert_eq!(p.series.dates.len(), 2);
    let beyond = plan(json!({ "session_number": 9 }));
    assert_eq!(beyond.series.dates.len(), 1);
    assert!(beyond.series.reasons.iter().any(|r| r.contains("maintenance")));
}

#[test]
fn care_is_dated_from_the_session_day() {
    let p = plan(json!({}));
    let before = |id: &str| {
        p.care
            .before
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.on.to_string())
    };
    assert_eq!(before("stop_retinoids").as_deref(), Some("2026-11-28"));
    assert_eq!(before("avoid_tanning").as_deref(), Some("2026-11-17"));
    assert_eq!(before("arrive_makeup_free").as_deref(), Some("2026-12-01"));
    let after = |id: &str| {
        p.care
            .after
            .iter()
            .find(|a| a.id == id)
            .map(|a| (a.from.to_string(), a.until.to_string()))
    };
    assert_eq!(
        after("sunscreen"),
        Some(("2026-12-02".into(), "2026-12-15".into()))
    );
    assert_eq!(
        after("no_makeup"),
        Some(("2026-12-01".into(), "2026-12-02".into()))
    );
    assert_eq!(
        after("no_sweating"),
        Some(("2026-12-01".into(), "2026-12-04".into()))
    );
    assert!(
        p.care.before.windows(2).all(|w| w[0].on <= w[1].on),
        "before-care in date order"
    );
    assert!(p.care.warning_signs.len() >= 7);
    assert!(after("pause_minoxidil").is_none(), "no scalp, no minoxidil note");
    assert!(before("start_antiviral").is_none(), "no cold-sore history");
}

#[test]
fn care_items_follow_the_history_and_the_zones() {
    let p = plan(
        json!({ "areas": ["scalp", "forehead"], "concerns": ["hair_loss", "fine_lines"], "history": { "hsv_history": true } }),
    );
    assert!(
        p.care
            .before
            .iter()
            .any(|b| b.id == "start_antiviral" && b.on.to_string() == "2026-12-01"),
        "the antiviral starts the day before the earliest session, the day after the treatment date"
    );
    assert!(p.care.after.iter().any(|a| a.id == "pause_minoxidil"));
}

#[test]
fn expected_redness_lasts_longer_after_deeper_work() {
    let redness_until = |p: &Plan| {
        p.care
            .expected
            .iter()
            .find(|e| e.id == "redness")
            .map(|e| e.until.to_string())
    };
    let light = plan(json!({ "areas": ["forehead"], "concerns": ["texture_tone"] }));
    assert_eq!(
        redness_until(&light).as_deref(),
        Some("2026-12-03"),
        "two days up to 0.5 mm"
    );
    let middle = plan(json!({ "areas": ["cheeks"] }));
    assert_eq!(
        redness_until(&middle).as_deref(),
        Some("2026-12-04"),
        "three days up to 1.5 mm"
    );
    let deep = plan(json!({ "areas": ["cheeks"], "concerns": ["acne_scars"], "session_number": 2 }));
    assert_eq!(zone(&deep, "cheeks").depth_mm.planned.to_string(), "1.5");
    let deeper = plan(json!({
        "areas": ["body"], "concerns": ["striae"],
        "device": { "class": "pen", "min_mm": 1.75, "max_mm": 2.5 }
    }));
    assert!(zone(&deeper, "body").depth_mm.planned.hundredths() > 150);
    assert_eq!(
        redness_until(&deeper).as_deref(),
        Some("2026-12-08"),
        "a week beyond 1.5 mm"
    );
    assert!(
        light.care.expected.iter().all(|e| e.id != "minor_bruising"),
        "no bruising note for shallow work"
    );
}

#[test]
fn a_deferred_plan_dates_its_care_from_the_first_possible_day() {
    let p = plan(json!({ "history": { "dermal_filler_last": "2026-11-25" } }));
    assert_eq!(p.series.starts_on.to_string(), "2026-12-09");
    assert_eq!(p.series.dates[0].to_string(), "2026-12-09");
    let makeup_free = p
        .care
        .before
        .iter()
        .find(|b| b.id == "arrive_makeup_free")
        .map(|b| b.on.to_string());
    assert_eq!(makeup_free.as_deref(), Some("2026-12-09"));
}

#[test]
fn a_stored_plan_reads_back_exactly() {
    // Plans are stored as JSON; booking and charting read them back as the same typed plan.
    for changes in [
        json!({ "areas": ["forehead", "cheeks", "scalp"], "concerns": ["fine_lines", "hair_loss"] }),
        json!({ "client": { "birth_date": "1985-06-15", "fitzpatrick": 5 }, "concerns": ["acne_scars"] }),
        json!({ "history": { "isotretinoin_last_dose": "2026-10-01" } }),
    ] {
        let original = plan(changes);
        let stored = serde_json::to_string(&original).unwrap();
        let read: Plan = serde_json::from_str(&stored).unwrap();
        assert_eq!(read, original);
    }
}

/// Reference §1.8 rule 2 (line 156: "for Fitzpatrick IV–VI default to the lower half of the zone
/// range on the first session") and §2.3 (line 239: "start at the lower half of the zone range").
/// Issue 11, correction 1: the halving used to follow the concern's narrowing, so forehead, nose and
/// perioral came out at 0.55 mm where the zones' lower half ends at 0.5.
#[test]
fn darker_skin_first_session_stays_in_the_lower_half_of_the_zone_range() {
    let face = plan(json!({
        "client": { "birth_date": "1985-06-15", "fitzpatrick": 5 },
        "areas": ["forehead", "nose", "perioral"],
        "history": { "hsv_history": false }
    }));
    for id in ["forehead", "nose", "perioral"] {
        // Zone bounds 0.25-0.75: the lower half ends at 0.5.
        assert_eq!(mm(zone(&face, id)), s("0.5", "0.5", "0.5"), "{id}");
        assert!(
            zone(&face, id)
                .reasons
                .iter()
                .any(|r| r.contains("lower half of the zone's range")),
            "{id}: {:?}",
            zone(&face, id).reasons
        );
    }
    // Scarred cheeks: the bounds extend to 0.5-2.0, so the half-way line is 1.25 mm.
    let pen = plan(json!({
        "client": { "birth_date": "1985-06-15", "fitzpatrick": 4 },
        "areas": ["cheeks"], "concerns": ["acne_scars"]
    }));
    assert_eq!(mm(zone(&pen, "cheeks")), s("1.0", "1.25", "1.1"));
    // A 1.5 mm roller cannot stay under it: the cheeks are not planned with it.
    let roller = plan(json!({
        "client": { "birth_date": "1985-06-15", "fitzpatrick": 4 },
        "areas": ["cheeks"], "concerns": ["acne_scars"],
        "device": { "model": "roller_192_1_5" }
    }));
    assert!(roller.zones.is_empty(), "{:?}", roller.zones);
    assert_eq!(roller.unplanned_zones[0].zone, "cheeks");
    assert!(
        roller.unplanned_zones[0].reason.contains("1.0-1.25 mm"),
        "{:?}",
        roller.unplanned_zones
    );
}

/// The range the rule halves is a named protocol option (`[depth] first_session_lower_half_of`):
/// "zone" (the reference's reading, the default) or "concern_range" (the concern's usual range
/// inside the zone, halved: deeper, and not what the reference says).
#[test]
fn which_range_the_darker_skin_rule_halves_is_a_protocol_option() {
    let p = common::protocol();
    assert_eq!(p.depth.first_session_lower_half_of.name(), "zone");
    let clinic = common::clinic_protocol(&[(
        "planning.toml",
        common::embedded_text("planning.toml").replacen(
            "first_session_lower_half_of = \"zone\"",
            "first_session_lower_half_of = \"concern_range\"",
            1,
        ),
    )]);
    let intake = common::intake(json!({
        "client": { "birth_date": "1985-06-15", "fitzpatrick": 5 }, "areas": ["forehead"]
    }));
    let plan = needlepoint_domain::engine::plan(&clinic, &intake);
    assert_eq!(mm(zone(&plan, "forehead")), s("0.5", "0.6", "0.55"));
}

/// Issue 11, correction 7. The plan contract (docs/intake-and-plan.md, lines 60-63 and
/// 77-78): only `proceed` and `proceed_with_precautions` let a session be booked, and "a defer
/// without a date, e.g. nothing can be planned, says why in a finding". A valid intake whose device
/// or concerns fit no requested zone used to come out as `proceed` with nothing planned.
#[test]
fn a_plan_with_nothing_to_treat_is_a_deferral_that_says_what_to_choose_instead() {
    use needlepoint_domain::plan::Decision;
    let roller = plan(json!({ "areas": ["forehead"], "device": { "model": "roller_192_1_0" } }));
    assert!(roller.zones.is_empty());
    assert_eq!(roller.screening.decision, Decision::Defer);
    assert_eq!(roller.screening.defer_until, None);
    let f = finding(&roller, "nothing_to_plan").expect("says why");
    assert_eq!(f.effect, Effect::Defer);
    assert!(f.message.contains("0.5-0.75 mm"), "{}", f.message);
    assert!(
        f.message.contains("Medical roller, 192 needles, 0.5 mm"),
        "{}",
        f.message
    );
    assert!(!f.sources.is_empty());
    let refusal = roller
        .booking_refusal(jiff::civil::date(2026, 12, 1))
        .expect("refused");
    assert!(refusal.contains("Nothing can be planned"), "{refusal}");

    let scalp = plan(json!({ "areas": ["scalp"], "concerns": ["fine_lines"] }));
    assert_eq!(scalp.screening.decision, Decision::Defer);
    let f = finding(&scalp, "nothing_to_plan").expect("says why");
    assert!(
        f.message.contains("Scalp") && f.message.contains("Hair loss"),
        "{}",
        f.message
    );
}

/// Reference §6.2, line 520: "Anti-inflammatory drugs | Avoid 2 weeks after [S76 desertsage] vs 1
/// week [S43] | Clinician choice (flag conflict)". Issue 11, correction 9: the after-care item is
/// marked as the clinician's choice, with the conflict, for the practitioner.
#[test]
fn anti_inflammatory_advice_after_treatment_is_flagged_as_the_clinicians_choice() {
    let p = plan(json!({}));
    let item = p
        .care
        .after
        .iter()
        .find(|a| a.id == "anti_inflammatories")
        .expect("listed");
    let note = item
        .clinician_choice
        .as_deref()
        .expect("flagged as the clinician's choice");
    assert!(note.contains("1 week") && note.contains("2 weeks"), "{note}");
    assert!(item.text.contains("clinician"), "{}", item.text);
    assert!(
        p.care
            .after
            .iter()
            .filter(|a| a.id != "anti_inflammatories")
            .all(|a| a.clinician_choice.is_none())
    );
}

/// How concerns combine on one zone is a named option, `[depth] concerns_combine`: "deepest" (the
/// deepest concern that fits the zone drives the range, the default) or "shallowest" (the most
/// conservative: the shallowest that fits drives it). Reference §1.6 gives ranges per indication
/// and no rule for combining them, so the director chooses.
#[test]
fn how_concerns_combine_in_a_zone_is_a_protocol_option() {
    use needlepoint_domain::protocol::ConcernCombination;
    let built_in = common::protocol();
    assert_eq!(built_in.depth.concerns_combine, ConcernCombination::Deepest);
    let both = json!({ "areas": ["cheeks"], "concerns": ["fine_lines", "acne_scars"] });
    let deepest = needlepoint_domain::engine::plan(&built_in, &common::intake(both.clone()));
    assert_eq!(mm(zone(&deepest, "cheeks")), s("1.0", "2.0", "1.5"));

    let clinic = common::clinic_protocol(&[(
        "planning.toml",
        common::embedded_text("planning.toml").replacen(
            "concerns_combine = \"deepest\"",
            "concerns_combine = \"shallowest\"",
            1,
        ),
    )]);
    let shallowest = needlepoint_domain::engine::plan(&clinic, &common::intake(both));
    assert_eq!(mm(zone(&shallowest, "cheeks")), s("0.5", "1.5", "1.0"));
    assert!(
        zone(&shallowest, "cheeks")
            .reasons
            .iter()
            .any(|r| r.contains("the shallowest that fits")),
        "{:?}",
        zone(&shallowest, "cheeks").reasons
    );
}
