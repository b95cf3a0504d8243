//! The treatment room: the check-in gate, the chart saved as it goes, co-signature, sign-off,
//! amendments, the client's aftercare and lot traceability.

mod aftercare;
mod chart;
mod checkin;
mod history;

pub use aftercare::{
    AFTERCARE_LINK_DAYS, Aftercare, AftercareLinkOut, TreatedZone, aftercare, aftercare_by_link, create_link,
};
pub use chart::{
    AmendmentInput, ChartInput, ChartView, VersionInput, amend, chart, cosign, lots, save, sign,
};
pub use checkin::{CheckInInput, CheckedIn, check_in};
pub use history::{HistoryEntry, history, lot_trace};
