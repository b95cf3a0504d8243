//! The engine: one intake in, one explained plan out. Pure functions of the protocol and the
//! intake; the treatment date inside the intake is the only "today".

mod care;
mod dates;
mod depth;
mod screening;
mod series;
mod timeline;

use crate::intake::Intake;
use crate::plan::{Plan, ProtocolStamp};
use crate::protocol::Protocol;

/// Screens the intake and plans the treatment.
///
/// Zones are planned even when the decision does not allow treatment, so the practitioner sees
/// what would be done; the decision says whether it may be.
pub fn plan(protocol: &Protocol, intake: &Intake) -> Plan {
    let mut screening = screening::screen(protocol, intake);
    let depths = depth::plan_depths(protocol, intake, &screening.excluded_zones);
    screening.findings.extend(depths.findings);
    screening::settle_decision(protocol, &mut screening, intake);

    let starts_on = match screening.defer_until {
        Some(date) if date > intake.date => date,
        _ => intake.date,
    };
    let session = timeline::build(protocol, &depths.zones);
    let series = series::build(protocol, intake, &depths.zones, starts_on);
    let care = care::build(protocol, intake, &depths.zones, starts_on);
    Plan {
        protocol: ProtocolStamp {
            name: protocol.name.clone(),
            version: protocol.version.clone(),
        },
        screening,
        zones: depths.zones,
        unplanned_zones: depths.unplanned,
        session,
        series,
        care,
    }
}
