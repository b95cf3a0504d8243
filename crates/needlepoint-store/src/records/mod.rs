//! The records the clinic keeps, one module per aggregate, each with the narrow store trait that
//! keeps it.

mod accounts;
mod audit;
mod book;
mod charts;
mod clients;
mod consents;
mod intakes;
mod resources;

pub use accounts::*;
pub use audit::*;
pub use book::*;
pub use charts::*;
pub use clients::*;
pub use consents::*;
pub use intakes::*;
pub use resources::*;
