//! The chart form read back into a chart.

use needlepoint_domain::chart::{
    AdverseEvent, AnaestheticUse, Cartridge, Chart, Endpoint, ProductUse, ZoneRecord,
};

use crate::ui::form::Pairs;

pub(super) const ENDPOINTS: [(Endpoint, &str, &str); 3] = [
    (Endpoint::Erythema, "erythema", "Even redness"),
    (
        Endpoint::PinpointBleeding,
        "pinpoint_bleeding",
        "Pinpoint bleeding",
    ),
    (Endpoint::StoppedEarly, "stopped_early", "Stopped early"),
];

fn ticked(pairs: &Pairs, name: &str) -> bool {
    pairs.get(name) == Some("true")
}

fn number<T: std::str::FromStr>(pairs: &Pairs, name: &str) -> Option<T> {
    pairs.text(name).and_then(|t| t.parse().ok())
}

fn product(pairs: &Pairs, prefix: &str) -> Option<ProductUse> {
    let chosen = pairs.text(&format!("{prefix}_product")).filter(|p| p != "other");
    let name = chosen.or_else(|| pairs.text(&format!("{prefix}_other")))?;
    Some(ProductUse {
        product: name,
        lot: pairs.text(&format!("{prefix}_lot")).unwrap_or_default(),
        off_formulary_reason: pairs.text(&format!("{prefix}_reason")),
    })
}

/// Reads the chart form back into a chart. Values that cannot be read (a depth typed as text)
/// are kept out and show up as missing, never as a guess.
pub(super) fn chart_from_form(pairs: &Pairs, planned: &[String]) -> Chart {
    let agent = pairs.text("anaesthetic_agent");
    let anaesthetic = agent.map(|agent| AnaestheticUse {
        agent,
        concentration: pairs.text("anaesthetic_concentration").unwrap_or_default(),
        areas: pairs.all("anaesthetic_areas"),
        applied_at: number(pairs, "anaesthetic_applied_at"),
        removed_at: number(pairs, "anaesthetic_removed_at"),
        occlusion: ticked(pairs, "anaesthetic_occlusion"),
    });
    let cartridge_lot = pairs.text("cartridge_lot");
    let cartridge_expiry = number(pairs, "cartridge_expiry");
    let cartridge = (cartridge_lot.is_some()
        || cartridge_expiry.is_some()
        || ticked(pairs, "cartridge_sterile_pack_intact"))
    .then(|| Cartridge {
        lot: cartridge_lot.unwrap_or_default(),
        expiry: cartridge_expiry,
        sterile_pack_intact: ticked(pairs, "cartridge_sterile_pack_intact"),
    });
    let zones = planned
        .iter()
        .filter_map(|zone| {
            let field = |name: &str| format!("zone_{zone}_{name}");
            let record = ZoneRecord {
                zone: zone.clone(),
                actual_depth_mm: number(pairs, &field("depth")),
                passes: number(pairs, &field("passes")),
                speed: number(pairs, &field("speed")),
                endpoint: pairs
                    .get(&field("endpoint"))
                    .and_then(|v| ENDPOINTS.iter().find(|(_, key, _)| *key == v).map(|(e, _, _)| *e)),
                over_limit_reason: pairs.text(&field("reason")),
            };
            let touched = record.actual_depth_mm.is_some()
                || record.passes.is_some()
                || record.speed.is_some()
                || record.endpoint.is_some()
                || record.over_limit_reason.is_some();
            touched.then_some(record)
        })
        .collect();
    let adverse = pairs.text("adverse_description").map(|description| AdverseEvent {
        description,
        action_taken: pairs.text("adverse_action").unwrap_or_default(),
    });
    Chart {
        changes_since_last_visit: None,
        photos_taken: ticked(pairs, "photos_taken"),
        cleansed: ticked(pairs, "cleansed"),
        anaesthetic,
        removal_and_antisepsis: ticked(pairs, "removal_and_antisepsis"),
        device_serial: pairs.text("device_serial"),
        cartridge,
        zones,
        glide: product(pairs, "glide"),
        post_products: product(pairs, "post").into_iter().collect(),
        adverse_events: adverse.into_iter().collect(),
        notes: pairs.text("notes").unwrap_or_default(),
    }
}
