//! Screening and planning speed: one full-face intake, and the parse that precedes it.
//! Target (issue 2): under 50 µs median for screening + planning a full face on the project's
//! machines, so re-screening 100,000 clients after a protocol change takes seconds.
//!
//! Run: `cargo bench -p needlepoint-domain --bench plan`
#![allow(clippy::expect_used)]

use needlepoint_domain::engine;
use needlepoint_domain::intake::{Intake, parse};
use needlepoint_domain::protocol::Protocol;

fn main() {
    divan::main();
}

const FULL_FACE: &str = include_str!("../../../examples/full-face.json");

fn setup() -> (Protocol, Intake) {
    let protocol = Protocol::embedded().expect("embedded protocol loads");
    let intake = parse::from_json(FULL_FACE, &protocol).expect("example reads");
    (protocol, intake)
}

/// Screening + depth + timeline + series + care for a nine-zone face with three concerns.
#[divan::bench]
fn plan_full_face(bencher: divan::Bencher) {
    let (protocol, intake) = setup();
    bencher.bench(|| engine::plan(divan::black_box(&protocol), divan::black_box(&intake)));
}

/// Reading the intake JSON against the protocol.
#[divan::bench]
fn parse_full_face(bencher: divan::Bencher) {
    let (protocol, _) = setup();
    bencher.bench(|| parse::from_json(divan::black_box(FULL_FACE), &protocol));
}

/// Parse, plan and encode the plan as JSON: what the API will do per request.
#[divan::bench]
fn parse_plan_and_encode(bencher: divan::Bencher) {
    let (protocol, _) = setup();
    bencher.bench(|| {
        let intake = parse::from_json(divan::black_box(FULL_FACE), &protocol).expect("reads");
        serde_json::to_vec(&engine::plan(&protocol, &intake)).expect("encodes")
    });
}

/// Loading and validating the embedded protocol (done once at start-up).
#[divan::bench]
fn load_protocol() -> Protocol {
    Protocol::embedded().expect("loads")
}
