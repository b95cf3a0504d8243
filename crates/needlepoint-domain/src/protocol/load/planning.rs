//! planning.toml: how ranges become a planned depth, and how sessions are spaced.

use super::anatomy::MAX_INTERVAL_DAYS;
use super::check::{At, Checker, Known};
use super::document::Document;
use crate::depth::Mm;
use crate::protocol::raw;
use crate::protocol::{ConcernCombination, DepthSettings, HalvedRange, SeriesSettings};

pub(super) fn load_planning(
    check: &mut Checker,
    doc: Option<Document<'_>>,
    known: &Known,
) -> Option<(DepthSettings, SeriesSettings)> {
    let mut doc = doc?;
    let depth = doc.value::<raw::RawDepthSettings>(check, "depth", "a [depth] table");
    let series = doc.value::<raw::RawSeriesSettings>(check, "series", "a [series] table");
    let file = doc.file;
    doc.finish(check, &["depth", "series"]);
    let depth = depth.map(|entry| {
        let at = At::table(file, entry.span, "depth");
        depth_settings(check, &at, entry.value, known)
    });
    let series = series.map(|entry| {
        let at = At::table(file, entry.span, "series");
        series_settings(check, &at, entry.value, known)
    });
    depth.zip(series)
}

fn depth_settings(
    check: &mut Checker,
    at: &At<'_>,
    depth: raw::RawDepthSettings,
    known: &Known,
) -> DepthSettings {
    let step = check.depth(at, "step_mm", depth.step_mm);
    if step == Mm::ZERO || step > Mm::from_hundredths(50) {
        check.report(at, "step_mm", "must be above 0 and at most 0.5 mm");
    }
    check.fitzpatrick_list(
        at,
        "first_session_lower_half_fitzpatrick",
        &depth.first_session_lower_half_fitzpatrick,
    );
    let halved: Vec<(&str, HalvedRange)> = HalvedRange::ALL.iter().map(|h| (h.name(), *h)).collect();
    let first_session_lower_half_of = check
        .one_of(
            at,
            "first_session_lower_half_of",
            &depth.first_session_lower_half_of,
            &halved,
        )
        .unwrap_or(HalvedRange::Zone);
    let combinations: Vec<(&str, ConcernCombination)> =
        ConcernCombination::ALL.iter().map(|c| (c.name(), *c)).collect();
    let concerns_combine = check
        .one_of(at, "concerns_combine", &depth.concerns_combine, &combinations)
        .unwrap_or(ConcernCombination::Deepest);
    let mut endpoints: Vec<(Mm, String)> = Vec::new();
    for endpoint in depth.endpoints {
        let up_to = check.depth(at, "endpoints", endpoint.up_to_mm);
        if endpoints.last().is_some_and(|(previous, _)| *previous >= up_to) {
            check.report(at, "endpoints", "list end-points from the shallowest depth up");
        }
        endpoints.push((up_to, endpoint.text));
    }
    let cited = check.cited(at, &depth.sources, &depth.evidence, known);
    DepthSettings {
        step,
        first_session_lower_half_fitzpatrick: depth.first_session_lower_half_fitzpatrick,
        first_session_lower_half_of,
        concerns_combine,
        endpoints,
        deeper_endpoint: depth.deeper_endpoint,
        darker_skin_first_session_endpoint: depth.darker_skin_first_session_endpoint,
        cited,
    }
}

fn series_settings(
    check: &mut Checker,
    at: &At<'_>,
    series: raw::RawSeriesSettings,
    known: &Known,
) -> SeriesSettings {
    if series.floor_days > MAX_INTERVAL_DAYS {
        check.report(
            at,
            "floor_days",
            format!("must be at most {MAX_INTERVAL_DAYS} days"),
        );
    }
    if series.lengthen_for_darker_skin_days > MAX_INTERVAL_DAYS {
        check.report(
            at,
            "lengthen_for_darker_skin_days",
            format!("must be at most {MAX_INTERVAL_DAYS} days"),
        );
    }
    if series.floor_days == 0 {
        check.report(at, "floor_days", "must be at least 1 day");
    }
    check.fitzpatrick_list(
        at,
        "lengthen_for_darker_skin_fitzpatrick",
        &series.lengthen_for_darker_skin_fitzpatrick,
    );
    let cited = check.cited(at, &series.sources, &series.evidence, known);
    SeriesSettings {
        floor_days: series.floor_days,
        lengthen_for_darker_skin_days: series.lengthen_for_darker_skin_days,
        lengthen_for_darker_skin_fitzpatrick: series.lengthen_for_darker_skin_fitzpatrick,
        cited,
    }
}
