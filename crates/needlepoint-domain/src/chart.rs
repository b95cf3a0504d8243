//! The treatment-room chart: what was done in a session, checked as it is saved and before it
//! is signed.
//!
//! A chart is saved field by field while the session runs, so an unfinished chart is normal. Two
//! levels of check follow from that:
//! - **refusals** stop a save: an expired or damaged cartridge, a zone that is not in the plan, a
//!   depth the device cannot be set to, an unknown anaesthetic;
//! - **sign-off blockers** stop the signature only: steps not yet done, a depth above the
//!   practitioner's licence or the zone's bounds without a reason and a co-signature, a product
//!   outside the clinic's formulary without a reason.
//!
//! Warnings (occlusion over a large area, numbing removed before its dwell time) never block; they
//! are shown and kept.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use crate::depth::{DepthRange, Mm};
use crate::protocol::Protocol;

/// The chart as the tablet sends it. Every field may still be empty while the session runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Chart {
    /// The answers to the check-in questions, as given at the desk.
    pub changes_since_last_visit: Option<crate::checkin::ChangesSinceLastVisit>,
    pub photos_taken: bool,
    pub cleansed: bool,
    pub anaesthetic: Option<AnaestheticUse>,
    /// Numbing cream removed completely and the skin disinfected.
    pub removal_and_antisepsis: bool,
    /// The device's serial number, as read off the device in the room.
    pub device_serial: Option<String>,
    pub cartridge: Option<Cartridge>,
    pub zones: Vec<ZoneRecord>,
    pub glide: Option<ProductUse>,
    pub post_products: Vec<ProductUse>,
    pub adverse_events: Vec<AdverseEvent>,
    pub notes: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct AnaestheticUse {
    /// An anaesthetic id from the protocol, or `none` when the client had no numbing.
    pub agent: String,
    pub concentration: String,
    pub areas: Vec<String>,
    pub applied_at: Option<DateTime>,
    pub removed_at: Option<DateTime>,
    pub occlusion: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Cartridge {
    pub lot: String,
    pub expiry: Option<Date>,
    /// The sterile pack was sealed, undamaged and in date when opened.
    pub sterile_pack_intact: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ZoneRecord {
    pub zone: String,
    pub actual_depth_mm: Option<f64>,
    pub passes: Option<u32>,
    /// The pen's speed setting, when a pen was used.
    pub speed: Option<u32>,
    pub endpoint: Option<Endpoint>,
    /// Why the depth goes above the licence limit or the zone's bounds, when it does.
    pub over_limit_reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Erythema,
    PinpointBleeding,
    /// Stopped before the end-point (discomfort, a reaction, the client asked).
    StoppedEarly,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ProductUse {
    pub product: String,
    pub lot: String,
    /// Why a product outside the formulary was used.
    pub off_formulary_reason: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct AdverseEvent {
    pub description: String,
    pub action_taken: String,
}

/// What the review needs besides the chart.
pub struct ChartContext<'a> {
    pub protocol: &'a Protocol,
    pub session_date: Date,
    /// Planned zones with their planned depth.
    pub planned: &'a [(String, Mm)],
    /// The device's settable range.
    pub device_range: DepthRange,
    /// The serial of the device the session was booked with.
    pub booked_serial: &'a str,
    /// The deepest setting the practitioner's licence allows.
    pub licence_max: Mm,
    /// Product names on the clinic's formulary.
    pub formulary: &'a [String],
    /// Whether a supervising clinician has co-signed.
    pub cosigned: bool,
}

/// One problem, named by the chart field it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartProblem {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartReview {
    /// The save is refused while any of these stand.
    pub refusals: Vec<ChartProblem>,
    /// Signing is refused while any of these stand.
    pub sign_blockers: Vec<ChartProblem>,
    pub warnings: Vec<ChartProblem>,
    /// Zones whose depth needs a supervising clinician's co-signature.
    pub needs_cosign: Vec<String>,
    /// When the numbing reaches its shortest labelled dwell time.
    pub numbing_ready_at: Option<DateTime>,
}

impl ChartReview {
    pub fn may_sign(&self) -> bool {
        self.refusals.is_empty() && self.sign_blockers.is_empty()
    }
}

/// The regions of a large area that these numbed zones cover, or `None`: a large area is every
/// region of one of the protocol's sets (`[numbing] large_area_regions`; by default face, neck and
/// décolletage together, reference section 3.2, and the body).
fn large_area<'p>(protocol: &'p Protocol, areas: &[String]) -> Option<&'p [String]> {
    let regions: Vec<&str> = areas
        .iter()
        .filter_map(|a| protocol.zone(a))
        .map(|z| z.region.as_str())
        .collect();
    protocol
        .numbing
        .large_area_regions
        .iter()
        .find(|set| set.iter().all(|r| regions.contains(&r.as_str())))
        .map(Vec::as_slice)
}

/// The zones the chart offers for numbing: the planned ones, then the protocol's extra zones
/// (`[numbing] extra_zones`: numbing often spreads past the treated zones), each once.
pub fn numbing_area_choices(protocol: &Protocol, planned: &[String]) -> Vec<String> {
    let mut choices: Vec<String> = Vec::new();
    for zone in planned.iter().chain(&protocol.numbing.extra_zones) {
        if !choices.contains(zone) {
            choices.push(zone.clone());
        }
    }
    choices
}

/// A region named for people: the label of its zone when it has one zone, else the region's id.
fn region_label(protocol: &Protocol, region: &str) -> String {
    let zones: Vec<&str> = protocol
        .zones
        .iter()
        .filter(|z| z.region == region)
        .map(|z| z.label.as_str())
        .collect();
    match zones.as_slice() {
        [only] => (*only).to_string(),
        _ => {
            let mut chars = region.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

fn blank(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(|t| t.trim().is_empty())
}

/// Every check of a chart, in the chart's own order (long but flat: one check after another reads
/// best as the form reads).
#[allow(
    clippy::too_many_lines,
    reason = "flat: one check after another, in the order the form reads"
)]
pub fn review(chart: &Chart, ctx: &ChartContext<'_>) -> ChartReview {
    let mut r = ChartReview::default();
    let problem = |field: String, message: String| ChartProblem { field, message };

    if !chart.photos_taken {
        r.sign_blockers.push(problem(
            "photos_taken".into(),
            "Take the before photographs.".into(),
        ));
    }
    if !chart.cleansed {
        r.sign_blockers
            .push(problem("cleansed".into(), "Tick the cleanse step.".into()));
    }
    review_anaesthetic(chart, ctx, &mut r);
    if !chart.removal_and_antisepsis {
        r.sign_blockers.push(problem(
            "removal_and_antisepsis".into(),
            "Remove every trace of numbing cream and disinfect the skin before needling.".into(),
        ));
    }
    match chart.device_serial.as_deref().map(str::trim) {
        None | Some("") => {
            r.sign_blockers.push(problem("device_serial".into(), "Record the device's serial number.".into()))
        }
        Some(serial) if !serial.eq_ignore_ascii_case(ctx.booked_serial) => r.warnings.push(problem(
            "device_serial".into(),
            format!(
                "The session was booked with device {}; check the serial, or that the device used is the one on record.",
                ctx.booked_serial
            ),
        )),
        Some(_) => {}
    }
    match &chart.cartridge {
        None => r.sign_blockers.push(problem(
            "cartridge".into(),
            "Record the cartridge's lot, expiry and sterile-pack check.".into(),
        )),
        Some(c) => {
            if c.lot.trim().is_empty() {
                r.sign_blockers.push(problem(
                    "cartridge.lot".into(),
                    "Record the cartridge's lot number.".into(),
                ));
            }
            match c.expiry {
                None => r
                    .sign_blockers
                    .push(problem("cartridge.expiry".into(), "Record the cartridge's expiry date.".into())),
                Some(expiry) if expiry < ctx.session_date => r.refusals.push(problem(
                    "cartridge.expiry".into(),
                    format!("This lot expired on {expiry}: an expired cartridge is never used; open an in-date one."),
                )),
                Some(_) => {}
            }
            if !c.sterile_pack_intact {
                r.sign_blockers.push(problem(
                    "cartridge.sterile_pack_intact".into(),
                    "Confirm the sterile pack was sealed and undamaged; a damaged pack is discarded.".into(),
                ));
            }
        }
    }
    review_zones(chart, ctx, &mut r);
    match &chart.glide {
        None => r.sign_blockers.push(problem(
            "glide".into(),
            "Record the glide product and its lot.".into(),
        )),
        Some(glide) => review_product("glide", glide, ctx, &mut r),
    }
    for (i, product) in chart.post_products.iter().enumerate() {
        review_product(&format!("post_products[{i}]"), product, ctx, &mut r);
    }
    for (i, event) in chart.adverse_events.iter().enumerate() {
        if event.description.trim().is_empty() {
            r.refusals.push(problem(
                format!("adverse_events[{i}].description"),
                "Describe the adverse event, or remove the empty entry.".into(),
            ));
        }
    }
    r
}

fn review_anaesthetic(chart: &Chart, ctx: &ChartContext<'_>, r: &mut ChartReview) {
    let Some(numbing) = &chart.anaesthetic else {
        r.sign_blockers.push(ChartProblem {
            field: "anaesthetic".into(),
            message: "Record the numbing cream used, or `none`.".into(),
        });
        return;
    };
    if numbing.agent == "none" {
        return;
    }
    let Some(agent) = ctx.protocol.anaesthetics.iter().find(|a| a.id == numbing.agent) else {
        let known: Vec<&str> = ctx.protocol.anaesthetics.iter().map(|a| a.id.as_str()).collect();
        r.refusals.push(ChartProblem {
            field: "anaesthetic.agent".into(),
            message: format!(
                "unknown anaesthetic; expected `none` or one of: {}",
                known.join(", ")
            ),
        });
        return;
    };
    for (i, area) in numbing.areas.iter().enumerate() {
        if ctx.protocol.zone(area).is_none() {
            r.refusals.push(ChartProblem {
                field: format!("anaesthetic.areas[{i}]"),
                message: format!("`{area}` is not a zone"),
            });
        }
    }
    if numbing.occlusion
        && let Some(regions) = large_area(ctx.protocol, &numbing.areas)
    {
        let labels: Vec<String> = regions.iter().map(|r| region_label(ctx.protocol, r)).collect();
        r.warnings.push(ChartProblem {
            field: "anaesthetic.occlusion".into(),
            message: format!(
                "Occlusion over a large area ({}): a large area under wrap raises the risk of anaesthetic \
                 toxicity (FDA advisories). Prefer no wrap, or numb in smaller sections.",
                labels.join(", ")
            ),
        });
    }
    match numbing.applied_at {
        None => r.sign_blockers.push(ChartProblem {
            field: "anaesthetic.applied_at".into(),
            message: "Record when the numbing cream went on.".into(),
        }),
        Some(applied) => {
            let ready = applied.checked_add(i64::from(agent.min_minutes).minutes()).ok();
            r.numbing_ready_at = ready;
            if let (Some(ready), Some(removed)) = (ready, numbing.removed_at) {
                if removed < applied {
                    r.refusals.push(ChartProblem {
                        field: "anaesthetic.removed_at".into(),
                        message: "The cream cannot come off before it went on.".into(),
                    });
                } else if removed < ready {
                    r.warnings.push(ChartProblem {
                        field: "anaesthetic.removed_at".into(),
                        message: format!(
                            "Removed before the shortest labelled dwell of {} minutes: numbing may be incomplete.",
                            agent.min_minutes
                        ),
                    });
                }
            }
        }
    }
}

/// Each charted zone in turn: refusals first, then what blocks the signature (flat, in the order
/// a practitioner fills the row).
#[allow(
    clippy::too_many_lines,
    reason = "flat: one check after another, in the order a practitioner fills the row"
)]
fn review_zones(chart: &Chart, ctx: &ChartContext<'_>, r: &mut ChartReview) {
    let mut charted_any = false;
    for (i, record) in chart.zones.iter().enumerate() {
        let field = |name: &str| format!("zones[{i}].{name}");
        let Some(zone) = ctx.protocol.zone(&record.zone) else {
            r.refusals.push(ChartProblem {
                field: field("zone"),
                message: format!("`{}` is not a zone", record.zone),
            });
            continue;
        };
        if !ctx.planned.iter().any(|(z, _)| *z == record.zone) {
            r.refusals.push(ChartProblem {
                field: field("zone"),
                message: format!(
                    "{} is not in this client's plan; plan it (a new intake) before treating it",
                    zone.label
                ),
            });
            continue;
        }
        if chart.zones[..i].iter().any(|earlier| earlier.zone == record.zone) {
            r.refusals.push(ChartProblem {
                field: field("zone"),
                message: format!("{} is charted twice", zone.label),
            });
            continue;
        }
        let Some(raw) = record.actual_depth_mm else {
            r.sign_blockers.push(ChartProblem {
                field: field("actual_depth_mm"),
                message: format!("Record the depth used on {}.", zone.label),
            });
            continue;
        };
        let depth = match Mm::from_mm(raw) {
            Ok(depth) => depth,
            Err(e) => {
                r.refusals.push(ChartProblem {
                    field: field("actual_depth_mm"),
                    message: e.to_string(),
                });
                continue;
            }
        };
        if !ctx.device_range.contains(depth) {
            r.refusals.push(ChartProblem {
                field: field("actual_depth_mm"),
                message: format!(
                    "{depth} mm is outside the device's range of {}–{} mm",
                    ctx.device_range.min, ctx.device_range.max
                ),
            });
            continue;
        }
        charted_any = true;
        let over_licence = depth > ctx.licence_max;
        let over_zone = depth > zone.bounds.max;
        if over_licence || over_zone {
            r.needs_cosign.push(record.zone.clone());
            let why = match (over_licence, over_zone) {
                (true, true) => format!(
                    "above both the licence limit of {} mm and the zone's maximum of {} mm",
                    ctx.licence_max, zone.bounds.max
                ),
                (true, false) => format!("above the practitioner's licence limit of {} mm", ctx.licence_max),
                _ => format!("above the zone's maximum of {} mm", zone.bounds.max),
            };
            if blank(&record.over_limit_reason) {
                r.sign_blockers.push(ChartProblem {
                    field: field("over_limit_reason"),
                    message: format!("{depth} mm on {} is {why}: write the reason.", zone.label),
                });
            }
            if !ctx.cosigned {
                r.sign_blockers.push(ChartProblem {
                    field: field("actual_depth_mm"),
                    message: format!(
                        "{depth} mm on {} is {why}: a supervising clinician co-signs first.",
                        zone.label
                    ),
                });
            }
        }
        if record.passes.is_none_or(|p| p == 0) {
            r.sign_blockers.push(ChartProblem {
                field: field("passes"),
                message: format!("Record the passes on {}.", zone.label),
            });
        }
        if record.endpoint.is_none() {
            r.sign_blockers.push(ChartProblem {
                field: field("endpoint"),
                message: format!("Record the end-point reached on {}.", zone.label),
            });
        }
    }
    if !charted_any {
        r.sign_blockers.push(ChartProblem {
            field: "zones".into(),
            message: "Chart at least one treated zone.".into(),
        });
    }
}

fn review_product(field: &str, product: &ProductUse, ctx: &ChartContext<'_>, r: &mut ChartReview) {
    if product.product.trim().is_empty() {
        r.refusals.push(ChartProblem {
            field: format!("{field}.product"),
            message: "Name the product, or remove the entry.".into(),
        });
        return;
    }
    if product.lot.trim().is_empty() {
        r.sign_blockers.push(ChartProblem {
            field: format!("{field}.lot"),
            message: format!("Record the lot of {}.", product.product),
        });
    }
    let on_formulary = ctx
        .formulary
        .iter()
        .any(|f| f.eq_ignore_ascii_case(product.product.trim()));
    if !on_formulary && blank(&product.off_formulary_reason) {
        r.sign_blockers.push(ChartProblem {
            field: format!("{field}.off_formulary_reason"),
            message: format!(
                "{} is not on the clinic's formulary. Products not approved for use in the skin's channels \
                 have caused lasting granulomas: use an approved product, or write why this one.",
                product.product
            ),
        });
    }
}

/// The zones and depths actually used, for the aftercare (which follows the chart, not the plan).
pub fn treated_depths(chart: &Chart) -> Vec<(String, Mm)> {
    chart
        .zones
        .iter()
        .filter_map(|z| Some((z.zone.clone(), Mm::from_mm(z.actual_depth_mm?).ok()?)))
        .collect()
}
