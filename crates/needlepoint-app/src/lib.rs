//! Needlepoint's application layer: every action of the clinic, once.
//!
//! A use case takes the [`Context`] (store, files, protocol, audit, clock, configuration) and an
//! [`Actor`] (a member of staff, a client, a background job), checks the actor may do it
//! ([`access`]), does it through the clinical domain and the storage ports, records it in the audit
//! log, and answers with records or an [`AppError`]: a stable code and the fields at fault, never
//! an HTTP status. The web pages, the JSON API and the command line are adapters around it; none
//! of them holds a rule of its own.
//!
//! Reading order: [`access`] (who may do what), [`context`], [`error`], then one module per part
//! of the clinic: [`clients`], [`intakes`], [`consents`], [`booking`], [`room`], [`resources`],
//! [`settings`], [`accounts`], [`audit`]; [`demo`] seeds a clinic through the same use cases.

pub mod access;
pub mod accounts;
pub mod audit;
mod audit_sink;
pub mod booking;
pub mod clients;
pub mod clock;
pub mod consents;
pub mod context;
pub mod demo;
pub mod error;
pub mod intakes;
pub mod plans;
pub mod resources;
pub mod room;
pub mod settings;

pub use access::{Access, Action, Actor};
pub use audit_sink::AuditSink;
pub use clock::{Clock, ManualClock, SystemClock};
pub use context::{ClinicConfig, Context};
pub use error::{AppError, AppResult, Problems};
