//! The web application over real HTTP: a real server on a random port, a fresh database per
//! test, no mocks of our own code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

#[path = "../common/mod.rs"]
mod common;

mod access;
mod audit;
mod pages;
mod records;
mod sessions;
