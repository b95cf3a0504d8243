//! Needlepoint's clinical core.
//!
//! Pure by design: no I/O, no async, no clock. An [`intake::Intake`] read against a
//! [`protocol::Protocol`] goes into [`engine::plan`] and a [`plan::Plan`] comes out, every decision
//! with its reasons and sources. The web app, the API and the command line all call this.
//! [`rescreen::compare`] says what changed between two plans for one intake (a protocol change),
//! and [`protocol::describe`] gives the protocol as a document for its medical director.

pub mod chart;
pub mod checkin;
pub mod depth;
pub mod engine;
pub mod evidence;
pub mod intake;
pub mod plan;
pub mod protocol;
pub mod rescreen;
pub mod schedule;
