//! The engine: one intake in, one explained plan out. Pure functions of the protocol and the
//! intake; the treatment date inside the intake is the only "today".

mod care;
pub(crate) mod dates;
mod depth;
mod nothing;
mod screening;
mod series;
mod timeline;

use crate::intake::Intake;
use jiff::civil::Date;

use crate::depth::Mm;
use crate::plan::{CareSchedule, Plan, ZonePlan};
use crate::protocol::Protocol;

/// Screens the intake and plans the treatment.
///
/// Zones are planned even when the decision does not allow treatment, so the practitioner sees
/// what would be done; the decision says whether it may be.
pub fn plan(protocol: &Protocol, intake: &Intake) -> Plan {
    let mut screening = screening::screen(protocol, intake);
    let depths = depth::plan_depths(protocol, intake, &screening.excluded_zones);
    let nothing = nothing::finding(protocol, intake, &depths, &screening.excluded_zones);
    screening.findings.extend(depths.findings);
    screening.findings.extend(nothing);
    screening::settle_decision(protocol, &mut screening, intake);

    let starts_on = match screening.defer_until {
        Some(date) if date > intake.date => date,
        _ => intake.date,
    };
    let session = timeline::build(protocol, &depths.zones);
    let series = series::build(protocol, intake, &depths.zones, starts_on);
    let care = care::build(protocol, intake, &depths.zones, starts_on);
    Plan {
        protocol: protocol.stamp(),
        screening,
        zones: depths.zones,
        unplanned_zones: depths.unplanned,
        session,
        series,
        care,
    }
}

/// The client's care after a signed session: dated from the session day and built from the
/// depths actually used (`treated`), not the planned ones, so a session that went shallower or
/// deeper than planned gets the matching expectations. Zones not treated are left out.
pub fn aftercare(
    protocol: &Protocol,
    intake: &Intake,
    planned: &[ZonePlan],
    treated: &[(String, Mm)],
    session_day: Date,
) -> CareSchedule {
    let zones: Vec<ZonePlan> = treated
        .iter()
        .filter_map(|(zone, depth)| {
            let mut plan = planned.iter().find(|z| z.zone == *zone)?.clone();
            plan.depth_mm.planned = *depth;
            Some(plan)
        })
        .collect();
    care::build(protocol, intake, &zones, session_day)
}
