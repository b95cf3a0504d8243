//! A clinic set up over the API for the appointment-book and treatment-room tests: licences,
//! rooms, devices, the formulary, and planned clients.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use super::TestApp;

/// 2026-12-07 is a Monday.
pub const DAY: &str = "2026-12-07";

pub async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

pub async fn user_id(app: &TestApp, owner: &Client, email: &str) -> String {
    let (_, users) = send(owner.get(app.url("/api/v1/users"))).await;
    users["users"]
        .as_array()
        .or(users.as_array())
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The clinic's set-up: licences, two rooms, two devices, the formulary.
pub struct Setup {
    pub practitioner_id: String,
    pub owner_id: String,
    pub rooms: Vec<String>,
    pub devices: Vec<String>,
}

pub async fn set_up(app: &TestApp) -> Setup {
    let owner = app.signed_in("owner").await;
    let practitioner_id = user_id(app, &owner, "practitioner@test.clinic").await;
    let owner_id = user_id(app, &owner, "owner@test.clinic").await;
    for (id, max) in [(&practitioner_id, 1.0), (&owner_id, 2.5)] {
        let (status, body) = send(
            owner
                .put(app.url(&format!("/api/v1/practitioners/{id}/licence")))
                .json(&json!({ "licence_type": "Registered nurse", "max_depth_mm": max })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mut rooms = Vec::new();
    for name in ["Room 1", "Room 2"] {
        let (status, room) = send(
            owner
                .post(app.url("/api/v1/rooms"))
                .json(&json!({ "name": name })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{room}");
        rooms.push(room["id"].as_str().unwrap().to_string());
    }
    let mut devices = Vec::new();
    for serial in ["SP-1", "SP-2"] {
        let (status, device) = send(owner.post(app.url("/api/v1/devices")).json(&json!({
            "name": format!("Pen {serial}"), "model": "pen", "serial": serial, "min_mm": 0.25, "max_mm": 2.5
        })))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{device}");
        devices.push(device["id"].as_str().unwrap().to_string());
    }
    for (name, use_for) in [("Sterile HA glide", "glide"), ("Calming balm", "post_procedure")] {
        let (status, _) = send(
            owner
                .post(app.url("/api/v1/formulary"))
                .json(&json!({ "name": name, "use": use_for })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    Setup {
        practitioner_id,
        owner_id,
        rooms,
        devices,
    }
}

/// A client with an intake on forehead and cheeks (and, when asked, a signed treatment consent).
pub async fn planned_client(
    app: &TestApp,
    clinician: &Client,
    given: &str,
    fitzpatrick: u8,
    consent: bool,
) -> (String, Value) {
    planned_client_on(
        app,
        clinician,
        given,
        fitzpatrick,
        consent,
        &["forehead", "cheeks"],
    )
    .await
}

/// A client with an intake on `areas` for acne scars.
pub async fn planned_client_on(
    app: &TestApp,
    clinician: &Client,
    given: &str,
    fitzpatrick: u8,
    consent: bool,
    areas: &[&str],
) -> (String, Value) {
    let (status, client) = send(clinician.post(app.url("/api/v1/clients")).json(&json!({
        "given_name": given, "family_name": "Okafor", "birth_date": "1988-02-14",
        "email": format!("{}@example.com", given.to_lowercase()), "phone": "+44 7700 900456"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = client["id"].as_str().unwrap().to_string();
    let (status, intake) = send(
        clinician
            .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
            .json(&json!({
                "date": DAY,
                "client": { "birth_date": "1988-02-14", "fitzpatrick": fitzpatrick },
                "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
                "areas": areas,
                "concerns": ["acne_scars"]
            })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{intake}");
    if consent {
        let (_, template) = send(clinician.get(app.url("/api/v1/consent-templates/treatment"))).await;
        let (status, _) = send(clinician.post(app.url(&format!("/api/v1/clients/{id}/consents"))).json(&json!({
            "kind": "treatment", "template_id": template["id"], "signer_name": format!("{given} Okafor")
        })))
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    (id, intake["plan"].clone())
}

pub fn booking(setup: &Setup, client: &str, room: usize, device: usize, starts_at: &str) -> Value {
    json!({
        "client_id": client, "practitioner_id": setup.practitioner_id,
        "room_id": setup.rooms[room], "device_id": setup.devices[device], "starts_at": starts_at
    })
}
