//! Crash safety: the server is killed with SIGKILL at random moments while clients write, then
//! restarted. Every write that was answered 2xx must be there afterwards, and the database and
//! the audit chain must verify. Runs until at least 2,000 writes were acknowledged, on SQLite
//! and (when `NEEDLEPOINT_TEST_PG_URL` is set) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Place;

const PASSWORD: &str = "a long enough password";
const WRITERS: usize = 8;
const TARGET: usize = 2_000;

/// A small deterministic generator for the kill moments (no dependency for ten lines).
struct Moments(u64);

impl Moments {
    fn next_millis(&mut self, low: u64, high: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        low + (self.0 >> 33) % (high - low)
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_write_on_sqlite() {
    if let Some(place) = Place::new("crash-sqlite", false) {
        sigkill_at_random_moments(&place);
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_write_on_postgres() {
    if let Some(place) = Place::new("crash-postgres", true) {
        sigkill_at_random_moments(&place);
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
fn sigkill_at_random_moments(place: &Place) {
    place.add_user("desk@clinic.test", "front_desk", PASSWORD);

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("kill moments seed: {seed}");
    let mut moments = Moments(seed);
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let started = Instant::now();
    let mut rounds = 0;
    while acknowledged.lock().unwrap().len() < TARGET {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "too slow: {} acknowledged",
            acknowledged.lock().unwrap().len()
        );
        rounds += 1;
        let (mut server, address) = place.serve();
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (address, acknowledged, stop) = (address.clone(), acknowledged.clone(), stop.clone());
                std::thread::spawn(move || {
                    let http = reqwest::blocking::Client::builder()
                        .cookie_store(true)
                        .timeout(Duration::from_secs(5))
                        .build()
                        .unwrap();
                    let login = http
                        .post(format!("{address}/api/v1/session"))
                        .json(&serde_json::json!({ "email": "desk@clinic.test", "password": PASSWORD }))
                        .send();
                    if !login.is_ok_and(|r| r.status().is_success()) {
                        return;
                    }
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let response = http
                            .post(format!("{address}/api/v1/clients"))
                            .json(&serde_json::json!({
                                "given_name": format!("W{w}"), "family_name": format!("N{n}"), "birth_date": "1990-01-01"
                            }))
                            .send();
                        // Only a complete 2xx answer counts as acknowledged; a cut connection does not.
                        let Ok(response) = response else { return };
                        if !response.status().is_success() {
                            continue;
                        }
                        let Ok(body) = response.json::<serde_json::Value>() else { return };
                        if let Some(id) = body["id"].as_str() {
                            acknowledged.lock().unwrap().push(id.to_string());
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(moments.next_millis(300, 1500)));
        server.kill().unwrap(); // SIGKILL: no shutdown, nothing flushed on the way out
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.join().unwrap();
        }
    }

    // After the last kill: every acknowledged client is in the database.
    let (server, _) = place.serve(); // a restart recovers (SQLite: the WAL)
    drop_server(server);
    let stored = place.client_ids();
    let acknowledged = acknowledged.lock().unwrap();
    let missing: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    println!(
        "{}: {} acknowledged writes over {rounds} kills; {} missing",
        if place.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        acknowledged.len(),
        missing.len()
    );
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let (ok, text) = place.run(&["verify"]);
    assert!(ok && text.contains("chain intact"), "{text}");
}

fn drop_server(mut server: Child) {
    let _ = server.kill();
    let _ = server.wait();
}
