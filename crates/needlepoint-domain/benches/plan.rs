//! Screening and planning speed: one full-face intake, the parse that precedes it, and a
//! clinic-wide re-screen of 100,000 varied intakes under a new protocol version.
//! Target (issue 2): under 50 µs median for screening + planning a full face on the project's
//! machines. Target (issue 11): 100,000 clients re-screened (read, planned, compared with their
//! stored plan) in well under a minute.
//!
//! Run: `cargo bench -p needlepoint-domain --bench plan`
#![allow(clippy::expect_used)]

use needlepoint_domain::engine;
use needlepoint_domain::intake::{Intake, parse};
use needlepoint_domain::plan::Plan;
use needlepoint_domain::protocol::{EMBEDDED, Protocol, ProtocolFile};
use needlepoint_domain::rescreen;
use serde_json::{Value, json};

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

const CLIENTS: usize = 100_000;

const DATES: [&str; 8] = [
    "isotretinoin_last_dose",
    "topical_retinoid_last_use",
    "dermal_filler_last",
    "neuromodulator_last",
    "chemical_peel_last",
    "laser_last",
    "tanning_last",
    "facial_surgery_last",
];
const FLAGS: [&str; 5] = [
    "hsv_history",
    "anticoagulants",
    "keloid_history",
    "anesthetic_allergy",
    "pregnant",
];
const DEVICES: [&str; 4] = [
    "skinpen_precision",
    "exceed_unlimited",
    "roller_192_1_0",
    "roller_192_0_5",
];

/// A small deterministic generator (xorshift), so every run re-screens the same clinic.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str], most: usize) -> Vec<&'a str> {
        let count = 1 + self.below(most);
        let mut picked: Vec<&str> = Vec::new();
        for _ in 0..count {
            let item = from[self.below(from.len())];
            if !picked.contains(&item) {
                picked.push(item);
            }
        }
        picked
    }
}

/// One client's stored intake: a spread of zones, concerns, devices, skin types, histories and
/// conditions like a clinic's (zones and concerns are the protocol's).
fn varied_intake(dice: &mut Dice, zones: &[&str], concerns: &[&str]) -> Value {
    let areas = dice.pick(zones, 6);
    let mut history = serde_json::Map::new();
    for _ in 0..dice.below(3) {
        let field = DATES[dice.below(DATES.len())];
        let days_ago = 1 + dice.below(400);
        let day = jiff::civil::date(2026, 12, 1)
            .checked_sub(jiff::Span::new().days(days_ago as i64))
            .expect("in range");
        history.insert(field.into(), json!(day.to_string()));
    }
    if dice.below(8) == 0 {
        history.insert(FLAGS[dice.below(FLAGS.len())].into(), json!(true));
    }
    if areas.contains(&"perioral") {
        history.entry("hsv_history").or_insert(json!(dice.below(4) == 0));
    }
    let device = if dice.below(2) == 0 {
        json!({ "model": DEVICES[dice.below(DEVICES.len())] })
    } else {
        json!({ "class": "pen", "min_mm": 0.25, "max_mm": 2.5 })
    };
    let conditions = if dice.below(6) == 0 {
        json!([{ "condition": "rosacea", "zones": [areas[0]] }])
    } else {
        json!([])
    };
    json!({
        "date": "2026-12-01",
        "client": { "birth_date": "1984-05-17", "fitzpatrick": 1 + dice.below(6) },
        "device": device,
        "areas": areas,
        "concerns": dice.pick(concerns, 3),
        "session_number": 1 + dice.below(3),
        "history": history,
        "conditions": conditions,
    })
}

/// The clinic's next protocol version: isotretinoin waits 12 months, the forehead stops at
/// 0.7 mm, and the skin-of-colour acne exception is on.
fn next_version() -> Protocol {
    let text = |name: &str| {
        EMBEDDED
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.text)
            .expect("file")
    };
    let screening = text("screening.toml")
        .replacen("wait_months = 6", "wait_months = 12", 1)
        .replacen(
            "id = \"active_acne_skin_of_colour_exception\"\nenabled = false",
            "id = \"active_acne_skin_of_colour_exception\"\nenabled = true",
            1,
        );
    let zones = text("zones.toml").replacen("max_mm = 0.75", "max_mm = 0.7", 1);
    let manifest = "name = \"Benchmark clinic protocol\"\nversion = \"2\"\n";
    let files: Vec<ProtocolFile> = EMBEDDED
        .iter()
        .map(|f| match f.name {
            "screening.toml" => ProtocolFile {
                text: &screening,
                ..*f
            },
            "zones.toml" => ProtocolFile { text: &zones, ..*f },
            "protocol.toml" => ProtocolFile { text: manifest, ..*f },
            _ => *f,
        })
        .collect();
    Protocol::from_files(&files).expect("the next version loads")
}

/// A clinic-wide re-screen after a protocol change: each of 100,000 stored intakes is read against
/// the new protocol, planned, and compared with its stored plan (made with the built-in protocol
/// beforehand, outside the timing). One sample is the whole clinic, on one thread.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn rescreen_100k_clients(bencher: divan::Bencher) {
    let old = Protocol::embedded().expect("loads");
    let new = next_version();
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let zones: Vec<&str> = old.zones.iter().map(|z| z.id.as_str()).collect();
    let concerns: Vec<&str> = old.concerns.iter().map(|c| c.id.as_str()).collect();
    let clinic: Vec<(Value, Plan)> = (0..CLIENTS)
        .map(|_| {
            let intake = varied_intake(&mut dice, &zones, &concerns);
            let read = parse::from_value(&intake, &old).expect("a valid intake");
            let plan = engine::plan(&old, &read);
            (intake, plan)
        })
        .collect();
    bencher.bench(|| {
        let mut changed = 0usize;
        for (stored, old_plan) in &clinic {
            let Ok(intake) = parse::from_value(stored, &new) else {
                continue;
            };
            let new_plan = engine::plan(&new, &intake);
            if !rescreen::compare(old_plan, &new_plan).is_empty() {
                changed += 1;
            }
        }
        divan::black_box(changed)
    });
}
