//! Two `needlepoint serve` processes on one PostgreSQL database behave as one system: a session
//! made on one is valid on the other, concurrent edits through both give one success and one
//! conflict, and the audit chain stays one valid chain while both write. Skipped (with the reason
//! printed) when `NEEDLEPOINT_TEST_PG_URL` is unset.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use std::time::{Duration, Instant};

use common::Place;
use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough password";

struct Servers(Vec<std::process::Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for server in &mut self.0 {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

fn http() -> Client {
    Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn sign_in(http: &Client, base: &str) {
    let response = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "email": "desk@clinic.test", "password": PASSWORD }))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

fn new_client(http: &Client, base: &str, family: &str) -> Value {
    let response = http
        .post(format!("{base}/api/v1/clients"))
        .json(&json!({ "given_name": "Ana", "family_name": family, "birth_date": "1990-04-02" }))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().unwrap()
}

#[test]
fn two_servers_on_one_postgres_database_act_as_one() {
    let Some(place) = Place::new("scale-out", true) else {
        return;
    };
    place.add_user("desk@clinic.test", "front_desk", PASSWORD);
    let (a, base_a) = place.serve();
    let (b, base_b) = place.serve();
    let _servers = Servers(vec![a, b]);

    // A session made on A is valid on B (cookies are per host, not per port).
    let desk = http();
    sign_in(&desk, &base_a);
    let made_on_a = new_client(&desk, &base_a, "Silva");
    let id = made_on_a["id"].as_str().unwrap().to_string();
    let seen_on_b: Value = desk
        .get(format!("{base_b}/api/v1/clients/{id}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(seen_on_b["family_name"], "Silva");

    // The same edit of the same version through both at once: one wins, one is told of the conflict.
    for round in 0..20 {
        let client = new_client(&desk, &base_a, &format!("Race{round}"));
        let id = client["id"].as_str().unwrap().to_string();
        let edits: Vec<_> = [&base_a, &base_b]
            .into_iter()
            .map(|base| {
                let (http, url, id) = (desk.clone(), format!("{base}/api/v1/clients/{id}"), id.clone());
                std::thread::spawn(move || {
                    http.put(url)
                        .json(
                            &json!({ "version": 1, "given_name": "Ana", "family_name": format!("Edited {id}"),
                                       "birth_date": "1990-04-02" }),
                        )
                        .send()
                        .unwrap()
                        .status()
                })
            })
            .collect();
        let mut statuses: Vec<u16> = edits.into_iter().map(|e| e.join().unwrap().as_u16()).collect();
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [200, 409],
            "round {round}: one success and one conflict"
        );
    }

    // Both write at once for a while: every write lands and the chain is one valid chain.
    let started = Instant::now();
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let base = if w % 2 == 0 {
                base_a.clone()
            } else {
                base_b.clone()
            };
            std::thread::spawn(move || {
                let http = http();
                sign_in(&http, &base);
                let mut made = Vec::new();
                while started.elapsed() < Duration::from_secs(3) {
                    let client = new_client(&http, &base, &format!("W{w}N{}", made.len()));
                    made.push(client["id"].as_str().unwrap().to_string());
                }
                made
            })
        })
        .collect();
    let made: Vec<String> = writers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    let stored = place.client_ids();
    assert!(made.iter().all(|id| stored.contains(id)));
    println!("{} clients written through two servers at once", made.len());
    let (ok, text) = place.run(&["audit", "verify"]);
    assert!(ok && text.contains("chain intact"), "{text}");
}
