//! The care schedule: dated before-care and after-care for this session, the normal course by
//! depth, and the warning signs.

use jiff::civil::Date;

use crate::depth::Mm;
use crate::engine::dates::add_days;
use crate::intake::Intake;
use crate::plan::{AfterCare, BeforeCare, CareSchedule, ZonePlan};
use crate::protocol::{CareFilter, Protocol};

fn applies(protocol: &Protocol, intake: &Intake, zones: &[ZonePlan], filter: &CareFilter) -> bool {
    let region_ok = filter.regions_any.is_empty()
        || zones
            .iter()
            .filter_map(|z| protocol.zone(&z.zone))
            .any(|z| filter.regions_any.contains(&z.region));
    let history_ok = filter
        .history
        .as_deref()
        .is_none_or(|question| intake.history.yes(question));
    region_ok && history_ok
}

pub fn build(protocol: &Protocol, intake: &Intake, zones: &[ZonePlan], session_day: Date) -> CareSchedule {
    let day = |offset: u32| add_days(session_day, i64::from(offset));
    let mut before: Vec<BeforeCare> = protocol
        .care
        .before
        .iter()
        .filter(|item| applies(protocol, intake, zones, &item.filter))
        .map(|item| BeforeCare {
            id: item.id.clone(),
            on: add_days(session_day, -i64::from(item.days_before)),
            text: item.text.clone(),
        })
        .collect();
    before.sort_by_key(|item| item.on);

    let after = protocol
        .care
        .after
        .iter()
        .filter(|item| applies(protocol, intake, zones, &item.filter))
        .map(|item| AfterCare {
            id: item.id.clone(),
            from: day(item.from_day),
            until: day(item.until_day),
            text: item.text.clone(),
            clinician_choice: item.clinician_choice.clone(),
        })
        .collect();

    let deepest = zones.iter().map(|z| z.depth_mm.planned).max().unwrap_or(Mm::ZERO);
    let expected = protocol
        .care
        .expected
        .iter()
        .filter(|effect| effect.min_depth.is_none_or(|min| deepest >= min))
        .map(|effect| {
            let days = effect
                .windows
                .iter()
                .find(|(up_to, _)| deepest <= *up_to)
                .map_or(effect.deeper_days, |(_, days)| *days);
            AfterCare {
                id: effect.id.clone(),
                from: day(effect.from_day),
                until: day(days),
                text: effect.text.clone(),
                clinician_choice: None,
            }
        })
        .collect();

    CareSchedule {
        before,
        after,
        expected,
        warning_signs: protocol
            .care
            .warning_signs
            .iter()
            .map(|w| w.text.clone())
            .collect(),
    }
}
