//! Starts the real server on a random port over a fresh database (SQLite, or PostgreSQL when
//! `NEEDLEPOINT_TEST_ENGINE=postgres`), and signs people in.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test support: a panic is a failing test

pub mod clinic;

use std::sync::Arc;

use needlepoint_app::accounts::users::{self, NewAccount};
use needlepoint_app::{Actor, ClinicConfig, Context, ManualClock};
use needlepoint_domain::protocol::Protocol;
use needlepoint_store::Store;
use needlepoint_store_conformance::{TestStore, fresh_from_env};
use needlepoint_web::{AppState, WebConfig};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub store: Arc<dyn Store>,
    /// The database beneath, for tests that look at or tamper with what is stored.
    pub db: TestStore,
    /// The server's "now": tests move it instead of sleeping.
    pub clock: Arc<ManualClock>,
}

/// The moment every test server starts at: a Tuesday morning in the clinic (UTC).
pub const NOW: &str = "2026-12-01T08:00:00Z";

pub async fn spawn() -> TestApp {
    spawn_with(ClinicConfig::default()).await
}

pub async fn spawn_with(config: ClinicConfig) -> TestApp {
    let db = fresh_from_env().await.unwrap();
    let store = db.store.clone();
    let protocol = Arc::new(Protocol::embedded().unwrap());
    let clock = Arc::new(ManualClock::new(NOW.parse().unwrap()));
    let config = ClinicConfig {
        time_zone: Some("UTC".into()),
        ..config
    };
    let ctx = Context::start(store.clone(), protocol, config)
        .await
        .unwrap()
        .with_clock(clock.clone());
    for (email, role) in [
        ("owner@test.clinic", "owner"),
        ("practitioner@test.clinic", "practitioner"),
        ("desk@test.clinic", "front_desk"),
    ] {
        let account = NewAccount {
            email: email.into(),
            role: role.into(),
            password: PASSWORD.into(),
        };
        users::create(&ctx, &Actor::Job("test"), &account).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let state = AppState::new(ctx, WebConfig::default());
    tokio::spawn(needlepoint_web::serve(listener, state, std::future::pending()));
    TestApp {
        base: format!("http://{address}"),
        store,
        db,
        clock,
    }
}

pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client signed in as the given role's test user.
    pub async fn signed_in(&self, role: &str) -> Client {
        let email = match role {
            "owner" => "owner@test.clinic",
            "practitioner" => "practitioner@test.clinic",
            _ => "desk@test.clinic",
        };
        let client = browser();
        let response = client
            .post(self.url("/api/v1/session"))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{role} signs in");
        client
    }

    pub async fn new_client(&self, client: &Client) -> Value {
        let response = client
            .post(self.url("/api/v1/clients"))
            .json(&json!({
                "given_name": "Ana", "family_name": "Silva", "birth_date": "1990-04-02",
                "email": "ana@example.com", "phone": "+44 7700 900123"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }
}

pub fn intake_body() -> Value {
    json!({
        "date": "2026-12-01",
        "client": { "birth_date": "1990-04-02", "fitzpatrick": 3 },
        "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
        "areas": ["forehead", "cheeks"],
        "concerns": ["acne_scars", "fine_lines"]
    })
}
