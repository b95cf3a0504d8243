//! Properties over arbitrary intakes: the engine's safety invariants hold for every input, and no
//! input, however malformed, makes the parser or the engine panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::protocol;
use needlepoint_domain::engine;
use needlepoint_domain::intake::{DeviceChoice, Intake, parse};
use needlepoint_domain::protocol::{Protocol, Rule, Trigger, Wait};
use proptest::prelude::*;
use serde_json::{Value, json};

const ZONES: [&str; 14] = [
    "forehead",
    "glabella",
    "temples",
    "periorbital",
    "nose",
    "cheeks",
    "perioral",
    "chin",
    "jawline",
    "neck",
    "decolletage",
    "scalp",
    "hands",
    "body",
];
const CONCERNS: [&str; 11] = [
    "acne_scars",
    "fine_lines",
    "hyperpigmentation",
    "melasma",
    "sun_damage",
    "enlarged_pores",
    "texture_tone",
    "laxity",
    "product_absorption",
    "striae",
    "hair_loss",
];
const CONDITIONS: [&str; 10] = [
    "active_acne",
    "eczema",
    "rosacea",
    "psoriasis",
    "infection",
    "cold_sore",
    "sunburn",
    "open_wound",
    "suspicious_lesion",
    "tattoo",
];
const FLAGS: [&str; 15] = [
    "pregnant",
    "breastfeeding",
    "isotretinoin_current",
    "anticoagulants",
    "bleeding_disorder",
    "keloid_history",
    "hsv_history",
    "metal_allergy",
    "anesthetic_allergy",
    "diabetes_uncontrolled",
    "immunosuppressed",
    "autoimmune_collagen_disease",
    "chemo_radiation_current",
    "implanted_electronic_device",
    "photosensitising_medication",
];
const DATES: [&str; 12] = [
    "isotretinoin_last_dose",
    "topical_retinoid_last_use",
    "exfoliant_last_use",
    "dermal_filler_last",
    "neuromodulator_last",
    "chemical_peel_last",
    "laser_last",
    "laser_ablative_last",
    "laser_non_ablative_last",
    "tanning_last",
    "facial_surgery_last",
    "radiotherapy_last",
];
const MODELS: [&str; 5] = [
    "skinpen_precision",
    "exceed_unlimited",
    "roller_192_0_5",
    "roller_192_1_0",
    "roller_192_1_5",
];

fn date(days_from_2000: i64) -> String {
    jiff::civil::date(2000, 1, 1)
        .checked_add(jiff::Span::new().days(days_from_2000))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| "2000-01-01".into())
}

fn device() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(MODELS.to_vec()).prop_map(|m| json!({ "model": m })),
        (
            prop::sample::select(vec![
                ("roller", 20u32, 300u32),
                ("stamp", 20, 300),
                ("pen", 0, 350)
            ]),
            0u32..=350,
            0u32..=350
        )
            .prop_map(|((class, low, high), a, b)| {
                let (a, b) = (a.clamp(low, high), b.clamp(low, high));
                let (min, max) = (a.min(b), a.max(b));
                json!({ "class": class, "min_mm": f64::from(min) / 100.0, "max_mm": f64::from(max) / 100.0 })
            }),
    ]
}

prop_compose! {
    fn intake()(
        treatment in 9000i64..11000,
        age_days in 0i64..(90 * 366),
        fitzpatrick in 1u8..=6,
        device in device(),
        areas in prop::sample::subsequence(ZONES.to_vec(), 1..=ZONES.len()),
        concerns in prop::sample::subsequence(CONCERNS.to_vec(), 1..=4),
        session_number in 1u32..=14,
        hsv in any::<bool>(),
        peel_depth in prop::option::of(prop::sample::select(vec!["superficial", "medium", "deep"])),
        flags in prop::collection::vec((prop::sample::select(FLAGS.to_vec()), any::<bool>()), 0..4),
        dated in prop::collection::vec((prop::sample::select(DATES.to_vec()), 0i64..400), 0..4),
        conditions in prop::collection::vec(
            (prop::sample::select(CONDITIONS.to_vec()),
             prop::option::of(prop::sample::select(vec!["mild", "moderate", "severe"])),
             prop::sample::subsequence(ZONES.to_vec(), 1..=3)),
            0..3),
    ) -> Value {
        let mut history = serde_json::Map::new();
        for (flag, yes) in flags {
            history.insert(flag.into(), Value::Bool(yes));
        }
        if let Some(depth) = peel_depth.filter(|_| history.contains_key("chemical_peel_last")) {
            history.insert("chemical_peel_depth".into(), Value::String(depth.into()));
        }
        // The cold-sore question is required when the perioral zone is requested.
        if areas.contains(&"perioral") && !history.contains_key("hsv_history") {
            history.insert("hsv_history".into(), Value::Bool(hsv));
        }
        for (field, days_before) in dated {
            history.insert(field.into(), Value::String(date(treatment - days_before)));
        }
        let conditions: Vec<Value> = conditions
            .into_iter()
            .map(|(condition, severity, zones)| {
                let mut c = json!({ "condition": condition, "zones": zones });
                if let (Some(s), Some(map)) = (severity, c.as_object_mut()) {
                    map.insert("severity".into(), s.into());
                }
                c
            })
            .collect();
        json!({
            "date": date(treatment),
            "client": { "birth_date": date(treatment - age_days), "fitzpatrick": fitzpatrick },
            "device": device,
            "areas": areas,
            "concerns": concerns,
            "session_number": session_number,
            "history": history,
            "conditions": conditions,
        })
    }
}

fn device_range(p: &Protocol, choice: &DeviceChoice) -> needlepoint_domain::depth::DepthRange {
    match choice {
        DeviceChoice::Model(id) => p.device_model(id).map(|m| m.range).expect("model exists"),
        DeviceChoice::Custom { range, .. } => *range,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Reference §1.1 (lines 56-57): "validate depth against the device model's allowed range";
    /// §1.8 rule 1 (line 155): device range first (hard), then zone bounds; §1.5 (lines 122-124):
    /// device-label limits win over the table. Every planned depth lies inside the device's range
    /// and the zone's bounds (with their extension only for an extending concern).
    #[test]
    fn generated_intakes_read_and_plan_within_every_bound(value in intake()) {
        let p = protocol();
        let intake = parse::from_value(&value, &p).map_err(|e| TestCaseError::fail(format!("{:?}", e.0)))?;
        let plan = engine::plan(&p, &intake);
        let device = device_range(&p, &intake.device);

        for zone_plan in &plan.zones {
            let zone = p.zone(&zone_plan.zone).expect("planned zones exist");
            let extended_max = zone.extended.as_ref().map_or(zone.bounds.max, |e| e.max.max(zone.bounds.max));
            let d = zone_plan.depth_mm;
            // The planned depth never leaves the device's range or the zone's bounds.
            prop_assert!(d.min <= d.planned && d.planned <= d.max, "{d:?}");
            prop_assert!(device.contains(d.min) && device.contains(d.max), "{d:?} outside device {device:?}");
            prop_assert!(zone.bounds.min <= d.min && d.max <= extended_max, "{d:?} outside zone {:?}", zone.bounds);
            if d.max > zone.bounds.max {
                let extension = zone.extended.as_ref().expect("only an extension allows this");
                prop_assert!(zone_plan.concerns.iter().any(|c| extension.concerns.contains(c)));
            }
            // Excluded zones are never planned.
            prop_assert!(!plan.screening.excluded_zones.contains(&zone_plan.zone));
            prop_assert!(!zone_plan.reasons.is_empty());
        }
        // Every requested zone is accounted for: planned, excluded or reported.
        for area in &intake.areas {
            let planned = plan.zones.iter().any(|z| &z.zone == area);
            let excluded = plan.screening.excluded_zones.contains(area);
            let reported = plan.unplanned_zones.iter().any(|u| &u.zone == area);
            prop_assert_eq!(u8::from(planned) + u8::from(excluded) + u8::from(reported), 1, "{}", area);
        }
        // Series gaps never fall under the floor.
        for track in &plan.series.tracks {
            prop_assert!(track.interval_days.min >= p.series.floor_days);
            prop_assert!(track.interval_days.min <= track.interval_days.max);
            for pair in track.dates.windows(2) {
                let gap = (pair[1] - pair[0]).get_days();
                prop_assert!(i64::from(gap) >= i64::from(p.series.floor_days), "gap {gap}");
            }
            prop_assert!(!track.dates.is_empty());
        }
        // Deferral dates are never before the treatment date.
        if let Some(until) = plan.screening.defer_until {
            prop_assert!(until > intake.date);
        }
        for finding in &plan.screening.findings {
            if let Some(until) = finding.until {
                prop_assert!(until > intake.date);
            }
            prop_assert!(!finding.sources.is_empty(), "{} cites nothing", finding.rule);
        }
        prop_assert!(plan.series.starts_on >= intake.date);
        // Only the allowed decisions let a session be booked.
        if plan.screening.findings.iter().any(|f| f.effect == needlepoint_domain::protocol::Effect::HardStop) {
            prop_assert!(!plan.screening.decision.allows_treatment());
        }
        prop_assert_eq!(plan.session.total_minutes, plan.session.steps.iter().map(|s| s.minutes).sum::<u32>());
        // The plan always serialises.
        prop_assert!(serde_json::to_string(&plan).is_ok());
    }

    #[test]
    fn any_json_value_is_read_or_refused_without_panicking(value in arbitrary_json()) {
        let p = protocol();
        if let Ok(intake) = parse::from_value(&value, &p) {
            let _ = engine::plan(&p, &intake);
        }
    }

    /// A protocol file of any text is loaded or refused with problems, never a panic.
    #[test]
    fn any_protocol_file_text_is_loaded_or_refused_without_panicking(
        which in 0usize..10,
        cut in 0usize..4000,
        noise in ".{0,40}",
    ) {
        let files = needlepoint_domain::protocol::EMBEDDED;
        let original = files[which].text;
        let mut at = cut.min(original.len());
        while !original.is_char_boundary(at) {
            at -= 1;
        }
        let text = format!("{}{noise}{}", &original[..at], &original[at..]);
        let mut edited = files.to_vec();
        edited[which].text = &text;
        if let Err(problems) = Protocol::from_files(&edited) {
            prop_assert!(!problems.is_empty());
        }
    }

    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in ".{0,300}") {
        let p = protocol();
        let _ = parse::from_json(&text, &p);
        let _ = parse::from_toml(&text, &p);
    }

    #[test]
    fn a_mutated_valid_intake_is_read_or_refused_without_panicking(value in intake(), key in prop::sample::select(vec!["date", "client", "device", "areas", "concerns", "session_number", "history", "conditions"]), replacement in arbitrary_json()) {
        let p = protocol();
        let mut value = value;
        if let Some(map) = value.as_object_mut() {
            map.insert(key.to_string(), replacement);
        }
        if let Ok(intake) = parse::from_value(&value, &p) {
            let _ = engine::plan(&p, &intake);
        }
    }
}

/// The lower half of a zone's range, with its extension when an extending concern is planned there.
fn zone_lower_half_max(p: &Protocol, zone_plan: &needlepoint_domain::plan::ZonePlan) -> u32 {
    let zone = p.zone(&zone_plan.zone).expect("planned zones exist");
    let max = match &zone.extended {
        Some(ext) if zone_plan.concerns.iter().any(|c| ext.concerns.contains(c)) => ext.max,
        _ => zone.bounds.max,
    };
    // The half-way line, in hundredths; an odd sum rounds down (the safe side).
    (zone.bounds.min.hundredths() + max.hundredths()) / 2
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Reference §1.8 rule 2 (line 156): "for Fitzpatrick IV–VI default to the lower half of the
    /// zone range on the first session"; §2.3 (line 239) repeats it. No first-session depth for
    /// types IV-VI ever exceeds the zone's lower half, whatever the concern or the device.
    #[test]
    fn darker_skin_first_sessions_never_exceed_the_zones_lower_half(value in intake(), fitzpatrick in 4u8..=6) {
        let p = protocol();
        let mut value = value;
        value["client"]["fitzpatrick"] = json!(fitzpatrick);
        value["session_number"] = json!(1);
        let intake = parse::from_value(&value, &p).map_err(|e| TestCaseError::fail(format!("{:?}", e.0)))?;
        let plan = engine::plan(&p, &intake);
        for zone_plan in &plan.zones {
            let half = zone_lower_half_max(&p, zone_plan);
            let d = zone_plan.depth_mm;
            prop_assert!(d.max.hundredths() <= half, "{}: {d:?} above the half-way line {half}", zone_plan.zone);
            prop_assert!(d.planned.hundredths() <= half, "{}: {d:?}", zone_plan.zone);
        }
    }
}

/// Whether a rule's narrowing (zones, regions) lets it apply to this intake: worked out here, apart
/// from the engine, so that the property does not take the engine's word for it.
fn rule_applies(p: &Protocol, rule: &Rule, intake: &Intake) -> bool {
    if !rule.enabled
        || (!rule.fitzpatrick_any.is_empty() && !rule.fitzpatrick_any.contains(&intake.client.fitzpatrick))
    {
        return false;
    }
    if let Some(test) = &rule.choice {
        let answer = intake.history.choice(&test.question).unwrap_or("unanswered");
        if !test.any_of.iter().any(|c| c == answer) {
            return false;
        }
    }
    let zones = rule.zones_any.is_empty() || intake.areas.iter().any(|a| rule.zones_any.contains(a));
    let regions = rule.regions_any.is_empty()
        || intake
            .areas
            .iter()
            .filter_map(|a| p.zone(a))
            .any(|z| rule.regions_any.contains(&z.region));
    zones && regions
}

/// The end of every waiting period that applies to this intake, by rule.
fn applicable_waits(p: &Protocol, intake: &Intake) -> Vec<(String, jiff::civil::Date)> {
    let mut waits = Vec::new();
    for rule in p.rules.iter().filter(|r| rule_applies(p, r, intake)) {
        // A lead time (reference §6.1, line 500: the antiviral starts at least a day before).
        if let (Trigger::History(question), Some(days)) = (&rule.trigger, rule.lead_days)
            && intake.history.yes(question)
        {
            let until = intake
                .date
                .checked_add(jiff::Span::new().days(i64::from(days)))
                .expect("in range");
            waits.push((rule.id.clone(), until));
        }
        // A condition that reschedules (reference §2.2, line 196: sunburn, "reschedule").
        if let (
            Trigger::Condition {
                condition,
                severity_at_least,
                severity_at_most,
            },
            Some(days),
        ) = (&rule.trigger, rule.recheck_days)
        {
            let present = intake.conditions.iter().any(|c| {
                let severity = c.severity.unwrap_or(p.unstated_severity);
                &c.condition == condition
                    && severity_at_least.is_none_or(|low| severity >= low)
                    && severity_at_most.is_none_or(|high| severity <= high)
                    && c.zones.iter().any(|z| intake.areas.contains(z))
            });
            if present {
                let until = intake
                    .date
                    .checked_add(jiff::Span::new().days(i64::from(days)))
                    .expect("in range");
                waits.push((rule.id.clone(), until));
            }
        }
        let Trigger::HistoryDate { field, wait } = &rule.trigger else {
            continue;
        };
        let Some(last) = intake.history.date_of(field) else {
            continue;
        };
        let span = match wait {
            Wait::Days(days) => jiff::Span::new().days(i64::from(*days)),
            Wait::Months(months) => jiff::Span::new().months(i64::from(*months)),
        };
        let until = last.checked_add(span).expect("inside the calendar");
        if until > intake.date {
            waits.push((rule.id.clone(), until));
        }
    }
    waits
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The plan contract (docs/intake-and-plan.md, lines 77-78): only `proceed` and
    /// `proceed_with_precautions` let a session be booked, so neither may come without a zone to
    /// treat (issue 11, correction 7: about one random intake in seven did). Such a plan defers,
    /// and a finding says why.
    #[test]
    fn no_plan_proceeds_without_a_planned_zone(value in intake()) {
        let p = protocol();
        let intake = parse::from_value(&value, &p).map_err(|e| TestCaseError::fail(format!("{:?}", e.0)))?;
        let plan = engine::plan(&p, &intake);
        if plan.zones.is_empty() {
            prop_assert!(!plan.screening.decision.allows_treatment(), "{:?} with no zone", plan.screening.decision);
            prop_assert!(
                plan.screening.findings.iter().any(|f| f.rule == "nothing_to_plan" || f.rule == "all_zones_excluded"),
                "no finding says why nothing is planned"
            );
        }
    }

    /// Reference §2.2 (line 177): a DEFER row is "absolute until a waiting period elapses"; the
    /// waits are the table's rows (lines 185-209). Issue 11, correction 2: whatever the decision,
    /// no session (of any series track) and no after-care is dated inside a wait that applies,
    /// and `defer_until` is never earlier than its end.
    #[test]
    fn no_plan_dates_a_session_inside_an_applicable_wait(value in intake()) {
        let p = protocol();
        let intake = parse::from_value(&value, &p).map_err(|e| TestCaseError::fail(format!("{:?}", e.0)))?;
        let plan = engine::plan(&p, &intake);
        for (rule, until) in applicable_waits(&p, &intake) {
            prop_assert!(plan.screening.defer_until.is_some_and(|d| d >= until), "{rule}: {:?} < {until}", plan.screening.defer_until);
            prop_assert!(plan.series.starts_on >= until, "{rule}: series starts {}", plan.series.starts_on);
            for date in plan.series.tracks.iter().flat_map(|t| &t.dates).chain(&plan.series.dates) {
                prop_assert!(*date >= until, "{rule}: a session on {date}, inside the wait to {until}");
            }
            for item in &plan.care.after {
                prop_assert!(item.from >= until, "{rule}: {} from {}", item.id, item.from);
            }
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(
            ZONES
                .iter()
                .chain(CONCERNS.iter())
                .chain(DATES.iter())
                .copied()
                .collect::<Vec<_>>()
        )
        .prop_map(|s| Value::String(s.into())),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "date",
                    "client",
                    "device",
                    "areas",
                    "concerns",
                    "history",
                    "conditions",
                    "fitzpatrick",
                    "birth_date",
                    "model",
                    "class",
                    "min_mm",
                    "max_mm",
                    "condition",
                    "zones",
                    "severity",
                    "pregnant",
                    "laser_last"
                ]),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}
