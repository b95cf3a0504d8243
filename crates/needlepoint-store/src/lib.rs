//! The storage port. The application talks to a [`Store`]: one narrow trait per aggregate
//! (accounts, clients, intakes, consents, resources, the appointment book, charts, audit),
//! gathered under one umbrella. The SQL engines implement them once, in `needlepoint-store-sql`,
//! over SQLite and PostgreSQL; one conformance suite tests every engine.
//!
//! Records are typed: ids are newtypes ([`ids`]), statuses and decisions are enums, plans and
//! charts are the domain's own types, times are `jiff` instants, dates and wall-clock times.

pub mod chain;
mod error;
pub mod files;
mod ids;
mod records;

pub use error::{StoreError, StoreResult};
pub use ids::*;
pub use records::*;

use async_trait::async_trait;

/// Is the database there and answering?
#[async_trait]
pub trait Health: Send + Sync {
    async fn ping(&self) -> StoreResult<()>;
}

/// Everything the clinic keeps. Implemented by every type that implements each aggregate's trait.
pub trait Store:
    Health
    + AccountStore
    + ClientStore
    + IntakeStore
    + ConsentStore
    + ResourceStore
    + BookStore
    + ChartStore
    + AuditStore
    + 'static
{
}

impl<T> Store for T where
    T: Health
        + AccountStore
        + ClientStore
        + IntakeStore
        + ConsentStore
        + ResourceStore
        + BookStore
        + ChartStore
        + AuditStore
        + 'static
{
}
