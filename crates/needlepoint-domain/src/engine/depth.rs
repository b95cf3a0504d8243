//! Depth planning: for each zone that may be treated, a range and a planned depth that stay inside
//! both the device's range and the zone's bounds, with the reason for each number.

use crate::depth::DepthRange;
use crate::evidence::Cited;
use crate::intake::{DeviceChoice, Intake};
use crate::plan::{Finding, PlannedDepth, UnplannedZone, ZonePlan};
use crate::protocol::{Concern, ConcernCombination, Effect, HalvedRange, Protocol, Zone};

pub struct Depths {
    pub zones: Vec<ZonePlan>,
    pub unplanned: Vec<UnplannedZone>,
    pub findings: Vec<Finding>,
    /// For each unplanned zone, the range it needed when the device could not reach it (`None`:
    /// no requested concern is treated there).
    pub needs: Vec<(String, Option<DepthRange>)>,
}

/// The device in hand: its range and, for a catalogue model, its labelled limits.
struct Device<'p> {
    label: String,
    range: DepthRange,
    cited: Cited,
    model: Option<&'p crate::protocol::DeviceModel>,
}

fn device<'p>(protocol: &'p Protocol, choice: &DeviceChoice) -> Option<Device<'p>> {
    match choice {
        DeviceChoice::Model(id) => protocol.device_model(id).map(|m| Device {
            label: m.label.clone(),
            range: m.range,
            cited: m.cited.clone(),
            model: Some(m),
        }),
        DeviceChoice::Custom { class, range } => protocol.device_class(class).map(|c| Device {
            label: format!("{} as entered", c.label.to_lowercase()),
            range: *range,
            cited: c.cited.clone(),
            model: None,
        }),
    }
}

fn info(rule: &str, zones: Vec<String>, message: String, cited: &Cited) -> Finding {
    Finding {
        rule: rule.into(),
        effect: Effect::Info,
        zones,
        message,
        sources: cited.sources.clone(),
        evidence: cited.evidence.clone(),
        until: None,
        recheck_on: None,
    }
}

fn merge_sources(into: &mut Vec<String>, cited: &Cited) {
    for source in &cited.sources {
        if !into.contains(source) {
            into.push(source.clone());
        }
    }
}

pub fn plan_depths(protocol: &Protocol, intake: &Intake, excluded: &[String]) -> Depths {
    let mut out = Depths {
        zones: Vec::new(),
        unplanned: Vec::new(),
        findings: Vec::new(),
        needs: Vec::new(),
    };
    // The intake was read against this protocol, so the device exists; stay total regardless.
    let Some(device) = device(protocol, &intake.device) else {
        return out;
    };
    concern_findings(protocol, intake, &device, &mut out.findings);

    for area in intake.areas.iter().filter(|a| !excluded.contains(a)) {
        let Some(zone) = protocol.zone(area) else {
            continue;
        };
        let concerns: Vec<&Concern> = intake
            .concerns
            .iter()
            .filter_map(|c| protocol.concern(c))
            .filter(|c| c.regions.contains(&zone.region))
            .collect();
        match plan_zone(protocol, intake, zone, &concerns, &device) {
            Ok(plan) => out.zones.push(plan),
            Err((reason, needed)) => {
                out.needs.push((zone.id.clone(), needed));
                out.findings.push(info(
                    "zone_not_planned",
                    vec![zone.id.clone()],
                    reason.clone(),
                    &zone.cited,
                ));
                out.unplanned.push(UnplannedZone {
                    zone: zone.id.clone(),
                    reason,
                });
            }
        }
    }
    out
}

/// Advisories, concerns no requested zone can take, and a model's off-label flags.
fn concern_findings(protocol: &Protocol, intake: &Intake, device: &Device<'_>, findings: &mut Vec<Finding>) {
    let requested_regions: Vec<&str> = intake
        .areas
        .iter()
        .filter_map(|a| protocol.zone(a))
        .map(|z| z.region.as_str())
        .collect();
    for concern in intake.concerns.iter().filter_map(|c| protocol.concern(c)) {
        if let Some(advisory) = &concern.advisory {
            findings.push(info(
                &format!("{}_advisory", concern.id),
                Vec::new(),
                advisory.message.clone(),
                &advisory.cited,
            ));
        }
        if !concern
            .regions
            .iter()
            .any(|r| requested_regions.contains(&r.as_str()))
        {
            let message = format!(
                "{} is treated on {}, and none of the requested zones is there: it is left out of this plan.",
                concern.label,
                concern.regions.join(", ")
            );
            findings.push(info("concern_without_zone", Vec::new(), message, &concern.cited));
        }
    }
    let Some(model) = device.model else {
        return;
    };
    let off_label = |rule: &str, message: String| Finding {
        rule: rule.into(),
        effect: Effect::Precaution,
        zones: Vec::new(),
        message,
        sources: model.cited.sources.clone(),
        evidence: model.cited.evidence.clone(),
        until: None,
        recheck_on: None,
    };
    if let Some(indications) = &model.labelled_indications {
        for concern in intake.concerns.iter().filter(|c| !indications.contains(c)) {
            findings.push(off_label(
                "device_off_label_indication",
                format!(
                    "{} is not labelled for {concern} (labelled: {}). Off-label use: record the clinical reason.",
                    model.label,
                    indications.join(", ")
                ),
            ));
        }
    }
    if let Some(min_age) = model.labelled_min_age {
        let age = intake.age_on_treatment_date();
        if age < i64::from(min_age) {
            findings.push(off_label(
                "device_off_label_age",
                format!("{} is labelled for adults {min_age} and over; the client is {age}. Record the clinical reason.", model.label),
            ));
        }
    }
    for (concern, max_type) in &model.labelled_fitzpatrick_max {
        if intake.concerns.contains(concern) && intake.client.fitzpatrick > *max_type {
            findings.push(off_label(
                "device_off_label_fitzpatrick",
                format!(
                    "{} is labelled for {concern} up to Fitzpatrick type {max_type}; the client is type {}. Record the clinical reason.",
                    model.label, intake.client.fitzpatrick
                ),
            ));
        }
    }
}

/// Whether a concern's usual range fits inside the zone's bounds with room to spare. Where it
/// starts at or beyond the zone's maximum, the zone-specific bounds must govern instead.
fn fits(concern: &Concern, bounds: DepthRange) -> Option<DepthRange> {
    concern
        .range
        .intersect(bounds)
        .filter(|overlap| overlap.min < overlap.max || concern.range.min == concern.range.max)
}

fn plan_zone(
    protocol: &Protocol,
    intake: &Intake,
    zone: &Zone,
    concerns: &[&Concern],
    device: &Device<'_>,
) -> Result<ZonePlan, (String, Option<DepthRange>)> {
    if concerns.is_empty() {
        let reason = format!(
            "None of the requested concerns is treated on this zone ({}): not planned.",
            zone.label
        );
        return Err((reason, None));
    }
    let mut reasons = Vec::new();
    let mut sources = Vec::new();
    merge_sources(&mut sources, &zone.cited);

    let bounds = zone_bounds(zone, concerns, &mut reasons);
    let mut target = concern_range(protocol, concerns, bounds, &mut reasons, &mut sources);

    let darker_first_session = intake.session_number == 1
        && protocol
            .depth
            .first_session_lower_half_fitzpatrick
            .contains(&intake.client.fitzpatrick);
    if darker_first_session {
        target = darker_skin_first_session(protocol, intake, bounds, target, &mut reasons, &mut sources);
    }

    let Some(range) = target.intersect(device.range) else {
        let reason = format!(
            "The {} reaches {}, but this zone ({}) needs {} here: not planned with this device.",
            device.label, device.range, zone.label, target
        );
        return Err((reason, Some(target)));
    };
    if range != target {
        merge_sources(&mut sources, &device.cited);
        reasons.push(format!(
            "The {} reaches {}, so the range is {}.",
            device.label, device.range, range
        ));
    }

    let planned = range
        .min
        .midpoint(range.max)
        .floor_to(protocol.depth.step)
        .max(range.min);
    reasons.push(format!(
        "Planned at {planned} mm, the middle of the range on a {} mm step; adjust to the end-point: {}.",
        protocol.depth.step,
        protocol.depth.endpoint(planned, darker_first_session)
    ));

    let mut restrictions = Vec::new();
    if let Some(restriction) = &zone.restriction {
        restrictions.push(restriction.clone());
        if device.model.is_some_and(|m| m.orbital_rim_block) {
            restrictions.push(format!(
                "The {} labelling also keeps treatment outside the orbital rim.",
                device.label
            ));
        }
    }

    Ok(ZonePlan {
        zone: zone.id.clone(),
        label: zone.label.clone(),
        concerns: concerns.iter().map(|c| c.id.clone()).collect(),
        depth_mm: PlannedDepth {
            min: range.min,
            max: range.max,
            planned,
        },
        reasons,
        restrictions,
        sources,
    })
}

/// The zone's bounds, extended when an extending concern is requested on it.
fn zone_bounds(zone: &Zone, concerns: &[&Concern], reasons: &mut Vec<String>) -> DepthRange {
    let mut bounds = zone.bounds;
    if let Some(extended) = &zone.extended
        && let Some(concern) = concerns.iter().find(|c| extended.concerns.contains(&c.id))
    {
        bounds.max = extended.max;
        reasons.push(format!(
            "Zone bounds: {bounds}, extended for {} (otherwise up to {} mm).",
            concern.label.to_lowercase(),
            zone.bounds.max
        ));
    } else {
        reasons.push(format!("Zone bounds: {bounds}."));
    }
    bounds
}

/// The range the requested concerns give inside the bounds: the deepest (or, as the protocol
/// says, the shallowest) concern that fits drives it; those that do not fit are named; with none
/// fitting, the bounds themselves govern.
fn concern_range(
    protocol: &Protocol,
    concerns: &[&Concern],
    bounds: DepthRange,
    reasons: &mut Vec<String>,
    sources: &mut Vec<String>,
) -> DepthRange {
    let mut target: Option<(DepthRange, &Concern)> = None;
    for concern in concerns {
        match fits(concern, bounds) {
            Some(overlap) => {
                let drives = target.is_none_or(|(_, driving)| match protocol.depth.concerns_combine {
                    ConcernCombination::Deepest => concern.range.max > driving.range.max,
                    ConcernCombination::Shallowest => concern.range.max < driving.range.max,
                });
                if drives {
                    target = Some((overlap, concern));
                }
            }
            None if concern.range.max <= bounds.min => reasons.push(format!(
                "Usual range for {}: {}, shallower than this zone's bounds; it is treated at the zone's depth.",
                concern.label.to_lowercase(),
                concern.range
            )),
            None => reasons.push(format!(
                "Usual range for {}: {}, deeper than this zone allows; it is treated within the bounds.",
                concern.label.to_lowercase(),
                concern.range
            )),
        }
    }
    match target {
        Some((overlap, driving)) => {
            merge_sources(sources, &driving.cited);
            let which = match (concerns.len() > 1, protocol.depth.concerns_combine) {
                (false, _) => "",
                (true, ConcernCombination::Deepest) => " (the deepest that fits this zone)",
                (true, ConcernCombination::Shallowest) => " (the shallowest that fits this zone)",
            };
            reasons.push(format!(
                "Usual range for {}: {}{which}.",
                driving.label.to_lowercase(),
                driving.range
            ));
            overlap
        }
        None => {
            reasons
                .push("No chosen concern fits this zone's bounds, so the bounds themselves govern.".into());
            bounds
        }
    }
}

/// Fitzpatrick IV-VI at a first session: the range stays in the lower half of the range the
/// protocol names (the zone's, by default: reference sections 1.8 and 2.3), rounded down to the
/// step. Where the concern's usual range lies wholly above that half, the half itself governs:
/// the safer reading.
fn darker_skin_first_session(
    protocol: &Protocol,
    intake: &Intake,
    bounds: DepthRange,
    target: DepthRange,
    reasons: &mut Vec<String>,
    sources: &mut Vec<String>,
) -> DepthRange {
    let (halved, which) = match protocol.depth.first_session_lower_half_of {
        HalvedRange::Zone => (bounds, "the zone's range"),
        HalvedRange::ConcernRange => (target, "the usual range"),
    };
    if halved.min >= halved.max {
        return target;
    }
    let half = DepthRange {
        min: halved.min,
        max: halved
            .lower_half()
            .max
            .floor_to(protocol.depth.step)
            .max(halved.min),
    };
    merge_sources(sources, &protocol.depth.cited);
    let limited = match target.intersect(half) {
        Some(inside) => inside,
        None => {
            reasons.push(format!(
                "The usual range, {target}, lies above the lower half of {which}; the first session stays in that half (the safer reading)."
            ));
            half
        }
    };
    reasons.push(format!(
        "First session for Fitzpatrick type {}: kept in the lower half of {which} ({half}) to limit the risk of darkening, so {limited}.",
        intake.client.fitzpatrick
    ));
    limited
}
