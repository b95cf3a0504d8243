//! The appointment book and the treatment room over HTTP, against the real server and a fresh
//! database: booking clashes, series proposals, the check-in gate, charting, co-signature,
//! sign-off and amendments, aftercare from the depths used, and lot look-up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

#[path = "../common/mod.rs"]
mod common;

mod after;
mod book;
mod chart;
mod pages;
