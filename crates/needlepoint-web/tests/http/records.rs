//! Clients, intakes and plans, consent, depth overrides over the JSON API.

use crate::common::{intake_body, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
async fn clients_are_created_read_edited_with_a_version_and_archived() {
    let app = spawn().await;
    let desk = app.signed_in("front_desk").await;
    let created = app.new_client(&desk).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["version"], 1);

    let read: Value = desk
        .get(app.url(&format!("/api/v1/clients/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["family_name"], "Silva");

    let edit = |version: i64, name: &str| {
        desk.put(app.url(&format!("/api/v1/clients/{id}")))
            .json(&json!({
                "version": version, "given_name": name, "family_name": "Silva", "birth_date": "1990-04-02",
                "email": "ana@example.com", "phone": "+44 7700 900123"
            }))
            .send()
    };
    let first = edit(1, "Ana Maria").await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["version"], 2);
    // A second person still holding version 1 gets a conflict, not a silent overwrite.
    let stale = edit(1, "Anna").await.unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["error"], "version_conflict");
    let now: Value = desk
        .get(app.url(&format!("/api/v1/clients/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["given_name"], "Ana Maria");
    // An edit without a version is refused.
    let unversioned = desk
        .put(app.url(&format!("/api/v1/clients/{id}")))
        .json(&json!({ "given_name": "X", "family_name": "Silva", "birth_date": "1990-04-02" }))
        .send()
        .await
        .unwrap();
    assert_eq!(unversioned.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let found: Value = desk
        .get(app.url("/api/v1/clients?q=silv"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["clients"].as_array().unwrap().len(), 1);
    for query in [
        "ana%20maria%20silva",
        "silva%20ana",
        "7700900123",
        "1990-04-02",
        "ana@example.com",
    ] {
        let found: Value = desk
            .get(app.url(&format!("/api/v1/clients?q={query}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found["clients"].as_array().unwrap().len(), 1, "search {query}");
    }
    let archived = desk
        .post(app.url(&format!("/api/v1/clients/{id}/archive")))
        .json(&json!({ "version": 2 }))
        .send()
        .await
        .unwrap();
    assert_eq!(archived.status(), StatusCode::OK);
    let found: Value = desk
        .get(app.url("/api/v1/clients?q=silva"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        found["clients"].as_array().unwrap().is_empty(),
        "archived clients leave the default search"
    );
    let kept: Value = desk
        .get(app.url(&format!("/api/v1/clients/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kept["archived"], true, "archived, never deleted");
}

#[tokio::test]
async fn bad_client_input_names_each_field() {
    let app = spawn().await;
    let desk = app.signed_in("front_desk").await;
    let response = desk
        .post(app.url("/api/v1/clients"))
        .json(&json!({ "given_name": " ", "birth_date": "1990-02-30", "email": "nope", "phone": "abc" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_input");
    for field in ["given_name", "family_name", "birth_date", "email", "phone"] {
        assert!(body["fields"][field].is_string(), "{field} in {body}");
    }
    let not_json = desk
        .post(app.url("/api/v1/clients"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let huge = desk
        .post(app.url("/api/v1/clients"))
        .header("content-type", "application/json")
        .body(format!("{{\"given_name\":\"{}\"}}", "x".repeat(400_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = huge.json().await.unwrap();
    assert_eq!(body["error"], "payload_too_large");
    assert_eq!(
        app.store.count_clients().await.unwrap(),
        0,
        "nothing half-written"
    );
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
async fn an_intake_becomes_a_stored_plan_and_consent_decides_whether_it_may_proceed() {
    let app = spawn().await;
    let practitioner = app.signed_in("practitioner").await;
    let client = app.new_client(&practitioner).await;
    let id = client["id"].as_str().unwrap();

    let response = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .json(&intake_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["number"], 1);
    assert_eq!(created["plan"]["screening"]["decision"], "proceed");
    assert_eq!(created["plan"]["zones"][1]["zone"], "cheeks");
    let intake_id = created["intake_id"].as_str().unwrap().to_string();

    let view: Value = practitioner
        .get(app.url(&format!("/api/v1/intakes/{intake_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["treatment_consent_valid"], false);
    assert_eq!(view["can_proceed"], false, "no consent, no treatment");

    let template: Value = practitioner
        .get(app.url("/api/v1/consent-templates/treatment"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        template["body"].as_str().unwrap().contains("Redness"),
        "the expected effects are listed"
    );
    let signed = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/consents")))
        .json(&json!({ "kind": "treatment", "template_id": template["id"], "signer_name": "Ana Silva", "signature_path": "M10 10 L20 20" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::CREATED);
    let consent: Value = signed.json().await.unwrap();
    assert_eq!(
        consent["text_sha256"], template["sha256"],
        "the exact text version is kept"
    );
    assert_eq!(consent["has_drawn_signature"], true);

    let view: Value = practitioner
        .get(app.url(&format!("/api/v1/intakes/{intake_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["can_proceed"], true);

    let withdrawn = practitioner
        .post(app.url(&format!(
            "/api/v1/consents/{}/withdraw",
            consent["id"].as_str().unwrap()
        )))
        .json(&json!({ "reason": "Client changed her mind" }))
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let view: Value = practitioner
        .get(app.url(&format!("/api/v1/intakes/{intake_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["can_proceed"], false, "a withdrawn consent no longer counts");
    let listed: Value = practitioner
        .get(app.url(&format!("/api/v1/clients/{id}/consents")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listed[0]["withdrawn_at"].is_string(),
        "the withdrawal is recorded, not erased"
    );

    // A second intake gets the next number and leaves the first untouched.
    let second: Value = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .json(&intake_body())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second["number"], 2);
    let first_again: Value = practitioner
        .get(app.url(&format!("/api/v1/intakes/{intake_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first_again["plan"], created["plan"]);
}

#[tokio::test]
async fn photo_consent_needs_its_scopes_and_a_stale_text_is_refused() {
    let app = spawn().await;
    let practitioner = app.signed_in("practitioner").await;
    let id = app.new_client(&practitioner).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let template: Value = practitioner
        .get(app.url("/api/v1/consent-templates/photo"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let no_scope = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/consents")))
        .json(&json!({ "kind": "photo", "template_id": template["id"], "signer_name": "Ana Silva" }))
        .send()
        .await
        .unwrap();
    assert_eq!(no_scope.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stale = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/consents")))
        .json(&json!({ "kind": "photo", "template_id": "old", "signer_name": "Ana Silva", "scopes": ["teaching"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let ok = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/consents")))
        .json(&json!({ "kind": "photo", "template_id": template["id"], "signer_name": "Ana Silva", "scopes": ["clinical_record", "teaching"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_bad_intake_gets_422_naming_every_field() {
    let app = spawn().await;
    let practitioner = app.signed_in("practitioner").await;
    let id = app.new_client(&practitioner).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let response = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .json(&json!({
            "date": "2026-02-30", "client": { "birth_date": "1990-04-02", "fitzpatrick": 7 },
            "device": { "class": "pen", "min_mm": 2.0, "max_mm": 0.5 }, "areas": ["elbow"], "concerns": ["fine_lines"]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    for field in ["date", "client.fitzpatrick", "device.max_mm", "areas[0]"] {
        assert!(body["fields"][field].is_string(), "{field} in {body}");
    }
    // The intake must be for this client.
    let mut other = intake_body();
    other["client"]["birth_date"] = json!("1991-01-01");
    let response = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let list: Value = practitioner
        .get(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.as_array().unwrap().is_empty(), "nothing half-written");
}

/// Issue 11, correction 8: a key given twice is an error in the API as on the command line, never
/// "the last one wins" (`"pregnant": true, "pregnant": false` must not read as "no").
#[tokio::test]
async fn an_intake_with_a_key_given_twice_is_refused_naming_it() {
    let app = spawn().await;
    let practitioner = app.signed_in("practitioner").await;
    let id = app.new_client(&practitioner).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = r#"{"date": "2026-12-01", "client": {"birth_date": "1990-04-02", "fitzpatrick": 2},
        "device": {"class": "pen", "min_mm": 0.25, "max_mm": 2.5}, "areas": ["forehead"],
        "concerns": ["fine_lines"], "history": {"pregnant": true, "pregnant": false}}"#;
    let response = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused: Value = response.json().await.unwrap();
    assert!(refused["fields"]["history.pregnant"].is_string(), "{refused}");
    // Without the repeat, the same body is taken.
    let once = body.replace(r#""pregnant": true, "#, "");
    let response = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .header("content-type", "application/json")
        .body(once)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    // A body that is not marked as JSON is refused, naming the body.
    let response = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .header("content-type", "text/plain")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn depth_outside_the_plan_needs_a_reason_and_is_recorded_as_an_override() {
    let app = spawn().await;
    let practitioner = app.signed_in("practitioner").await;
    let id = app.new_client(&practitioner).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let created: Value = practitioner
        .post(app.url(&format!("/api/v1/clients/{id}/intakes")))
        .json(&intake_body())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = app.url(&format!(
        "/api/v1/intakes/{}/depth-overrides",
        created["intake_id"].as_str().unwrap()
    ));
    // Forehead is planned 0.5-0.75 for this intake.
    let inside = practitioner
        .post(&url)
        .json(&json!({ "zone": "forehead", "planned_mm": 0.5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(inside.status(), StatusCode::CREATED);
    let outside = practitioner
        .post(&url)
        .json(&json!({ "zone": "forehead", "planned_mm": 1.0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = outside.json().await.unwrap();
    assert!(
        body["fields"]["reason"]
            .as_str()
            .unwrap()
            .contains("outside the planned range")
    );
    let with_reason = practitioner
        .post(&url)
        .json(&json!({ "zone": "forehead", "planned_mm": 1.0, "reason": "Thick skin, no reaction at 0.75 mm last time" }))
        .send()
        .await
        .unwrap();
    assert_eq!(with_reason.status(), StatusCode::CREATED);
    let recorded: Value = with_reason.json().await.unwrap();
    assert_eq!(recorded["outside_bounds"], true);
    let unknown_zone = practitioner
        .post(&url)
        .json(&json!({ "zone": "scalp", "planned_mm": 1.0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_zone.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
