//! A plan with nothing to treat: no requested zone can be planned (the device cannot reach any of
//! them, or no requested concern is treated there). Such a plan defers with no date, and the
//! finding says why and what to choose instead (issue 11: it used to come out as "proceed").

use crate::depth::DepthRange;
use crate::engine::depth::Depths;
use crate::evidence::Cited;
use crate::intake::{DeviceChoice, Intake};
use crate::plan::Finding;
use crate::protocol::{Effect, Protocol};

fn device_label(protocol: &Protocol, intake: &Intake) -> String {
    match &intake.device {
        DeviceChoice::Model(id) => protocol.device_model(id).map_or(id.clone(), |m| m.label.clone()),
        DeviceChoice::Custom { class, range } => {
            let label = protocol
                .device_class(class)
                .map_or(class.as_str(), |c| c.label.as_str());
            format!("{} set to {range}", label.to_lowercase())
        }
    }
}

/// What to choose for a zone the device cannot reach: catalogue models whose range meets the
/// needed one, or a device of a class that can be set within it.
fn devices_reaching(protocol: &Protocol, needed: DepthRange) -> String {
    let models: Vec<String> = protocol
        .device_models
        .iter()
        .filter(|m| m.range.intersect(needed).is_some())
        .map(|m| format!("{} ({})", m.label, m.range))
        .collect();
    let classes: Vec<String> = protocol
        .device_classes
        .iter()
        .filter(|c| c.range.intersect(needed).is_some())
        .map(|c| c.label.to_lowercase())
        .collect();
    let mut choices = Vec::new();
    if !models.is_empty() {
        choices.push(format!("from the catalogue: {}", models.join("; ")));
    }
    if !classes.is_empty() {
        choices.push(format!("or a {} set within that range", classes.join(" or ")));
    }
    choices.join("; ")
}

/// The finding for a plan in which no zone could be planned, or `None` when some zone is planned
/// or every requested zone is excluded (that has a finding of its own).
pub fn finding(
    protocol: &Protocol,
    intake: &Intake,
    depths: &Depths,
    excluded: &[String],
) -> Option<Finding> {
    if !depths.zones.is_empty() || depths.needs.is_empty() {
        return None;
    }
    let device = device_label(protocol, intake);
    let mut parts = Vec::new();
    let mut cited = Cited::default();
    for (zone_id, needed) in &depths.needs {
        let Some(zone) = protocol.zone(zone_id) else {
            continue;
        };
        cited.absorb(&zone.cited);
        match needed {
            Some(range) => parts.push(format!(
                "{}: the {device} cannot reach the {range} it needs here; choose a device that does ({}).",
                zone.label,
                devices_reaching(protocol, *range)
            )),
            None => {
                let concerns: Vec<&str> = protocol
                    .concerns
                    .iter()
                    .filter(|c| c.regions.contains(&zone.region))
                    .map(|c| c.label.as_str())
                    .collect();
                parts.push(format!(
                    "{}: none of the requested concerns is treated there; choose one that is ({}).",
                    zone.label,
                    concerns.join(", ")
                ));
            }
        }
    }
    if !excluded.is_empty() {
        let labels: Vec<&str> = excluded
            .iter()
            .map(|z| protocol.zone(z).map_or(z.as_str(), |z| z.label.as_str()))
            .collect();
        parts.push(format!("Excluded by screening: {}.", labels.join(", ")));
    }
    Some(Finding {
        rule: "nothing_to_plan".into(),
        effect: Effect::Defer,
        zones: depths.needs.iter().map(|(z, _)| z.clone()).collect(),
        message: format!(
            "Nothing can be planned on this intake, so no session can be booked on it. {}",
            parts.join(" ")
        ),
        sources: cited.sources,
        evidence: cited.evidence,
        until: None,
        recheck_on: None,
    })
}
