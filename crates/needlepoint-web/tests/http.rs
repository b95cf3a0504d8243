//! The web application over real HTTP: a real server on a random port, a fresh SQLite file per
//! test, no mocks of our own code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::{PASSWORD, browser, intake_body, spawn};
use needlepoint_store::Role;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, SET_COOKIE};
use serde_json::{Value, json};

#[tokio::test]
async fn health_and_readiness_answer_without_a_session() {
    let app = spawn().await;
    let client = browser();
    assert_eq!(
        client.get(app.url("/healthz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ready"
    );
}

#[tokio::test]
async fn signing_in_sets_a_hardened_session_cookie_and_signing_out_ends_it() {
    let app = spawn().await;
    let client = browser();
    let response = client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "email": "practitioner@test.clinic", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["role"], "practitioner");
    assert_eq!(
        client
            .get(app.url("/api/v1/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // Only a hash of the token is stored.
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let stored = app.db.texts("SELECT token_hash FROM sessions").await.unwrap();
    assert!(!stored.is_empty() && !stored.contains(&token));

    assert_eq!(
        client
            .delete(app.url("/api/v1/session"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client
            .get(app.url("/api/v1/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_repeated_failures_are_throttled() {
    let app = spawn().await;
    let client = browser();
    let attempt = |password: &'static str| {
        client
            .post(app.url("/api/v1/session"))
            .json(&json!({ "email": "owner@test.clinic", "password": password }))
            .send()
    };
    for _ in 0..5 {
        let response = attempt("wrong password!").await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthenticated");
    }
    let blocked = attempt(PASSWORD).await.unwrap();
    assert_eq!(
        blocked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(blocked.headers().contains_key("retry-after"));
}

/// Fills path parameters; the role checks run before any lookup, so any id will do.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        out.push_str("00000000-0000-0000-0000-000000000000");
        rest = rest[open..].split_once('}').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

async fn call(client: &reqwest::Client, base: &str, method: &str, path: &str) -> StatusCode {
    let url = format!("{base}{}", concrete(path));
    let request = match method {
        "GET" => client.get(url),
        "POST" => client
            .post(url)
            .header("content-type", "application/json")
            .body("{}"),
        "PUT" => client
            .put(url)
            .header("content-type", "application/json")
            .body("{}"),
        "DELETE" => client.delete(url),
        other => panic!("unexpected method {other}"),
    };
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn every_route_needs_a_session_and_checks_the_role() {
    use needlepoint_app::Access;
    let app = spawn().await;
    let anonymous = browser();
    let desk = app.signed_in("front_desk").await;
    let practitioner = app.signed_in("practitioner").await;
    let owner = app.signed_in("owner").await;
    let mut checked = 0;
    for route in needlepoint_web::ROUTES {
        let access = route.action.access();
        // Signing out is a route like any other, but it would end the walk's sessions.
        if access == Access::Public || route.path.ends_with("/session") || route.path == "/logout" {
            continue;
        }
        let what = format!("{} {}", route.method, route.path);
        let status = call(&anonymous, &app.base, route.method, route.path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} without a session");
        // Each role is refused exactly what the table refuses it, and nothing else: the route's
        // guard and the use case behind it read the same rule.
        for (who, role, client) in [
            ("front desk", Role::FrontDesk, &desk),
            ("practitioner", Role::Practitioner, &practitioner),
            ("owner", Role::Owner, &owner),
        ] {
            let status = call(client, &app.base, route.method, route.path).await;
            if access.allows(role) {
                assert_ne!(status, StatusCode::FORBIDDEN, "{what} as {who}");
                assert_ne!(status, StatusCode::UNAUTHORIZED, "{what} as {who}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{what} as {who}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 80, "walked {checked} routes");
    // Refusals are audited.
    let denied = app
        .db
        .number("SELECT count(*) FROM audit_log WHERE action = 'access' AND outcome = 'denied'")
        .await
        .unwrap();
    assert!(denied > 10);
}

/// `/api/v1/x/{id}` and `/api/v1/x/{lot}` name the same route.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_api_routes() {
    let app = spawn().await;
    let owner = app.signed_in("owner").await;
    let document: Value = owner
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut described: Vec<(String, String)> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            described.push((method.to_uppercase(), shape(path)));
        }
    }
    let mut routed: Vec<(String, String)> = needlepoint_web::ROUTES
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
        .map(|r| (r.method.to_string(), shape(r.path)))
        .collect();
    described.sort();
    routed.sort();
    assert_eq!(described, routed, "the OpenAPI paths and the route table differ");
    // No record is an opaque object any more.
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for name in [
        "Plan",
        "Chart",
        "Appointment",
        "Client",
        "ChartOut",
        "Consent",
        "IntakeOut",
        "Booked",
    ] {
        let schema = schemas.get(name).unwrap_or_else(|| panic!("{name} is described"));
        let described = schema["properties"].is_object() || schema["allOf"].is_array();
        assert!(described, "{name}: {schema}");
    }
}

#[tokio::test]
async fn public_routes_answer_without_a_session() {
    let app = spawn().await;
    let client = browser();
    for path in [
        "/healthz",
        "/readyz",
        "/login",
        "/static/app.css",
        "/static/app.js",
    ] {
        assert_eq!(
            client.get(app.url(path)).send().await.unwrap().status(),
            StatusCode::OK,
            "{path}"
        );
    }
}

#[tokio::test]
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

#[tokio::test]
async fn the_audit_chain_records_reads_and_writes_and_detects_tampering() {
    let app = spawn().await;
    let owner = app.signed_in("owner").await;
    let desk = app.signed_in("front_desk").await;
    let id = app.new_client(&desk).await["id"].as_str().unwrap().to_string();
    desk.get(app.url(&format!("/api/v1/clients/{id}")))
        .send()
        .await
        .unwrap();

    let entries: Value = owner
        .get(app.url(&format!("/api/v1/audit?client_id={id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"client.create") && actions.contains(&"client.read"),
        "{actions:?}"
    );
    assert!(
        entries.to_string().find("Silva").is_none(),
        "no health or personal data in the audit detail"
    );

    let verified: Value = owner
        .get(app.url("/api/v1/audit/verify"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], true, "{verified}");
    assert!(verified["entries"].as_u64().unwrap() >= 5);

    app.db
        .execute("UPDATE audit_log SET outcome = 'ok' , detail = 'edited' WHERE seq = 3")
        .await
        .unwrap();
    let verified: Value = owner
        .get(app.url("/api/v1/audit/verify"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], false);
    assert!(
        verified["problem"].as_str().unwrap().contains("entry 3"),
        "{verified}"
    );
}

#[tokio::test]
async fn a_deleted_audit_entry_is_detected() {
    let app = spawn().await;
    let owner = app.signed_in("owner").await;
    app.new_client(&owner).await;
    app.db
        .execute("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    let verified: Value = owner
        .get(app.url("/api/v1/audit/verify"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], false);
    assert!(
        verified["problem"]
            .as_str()
            .unwrap()
            .contains("removed or inserted"),
        "{verified}"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn().await;
    let client = browser();
    for path in ["/login", "/api/v1/clients", "/healthz"] {
        let response = client.get(app.url(path)).send().await.unwrap();
        let csp = response
            .headers()
            .get(CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(
            response.headers().get("x-content-type-options").unwrap(),
            "nosniff"
        );
        assert!(response.headers().contains_key("referrer-policy"));
        assert_eq!(
            response.headers().get(CACHE_CONTROL).unwrap(),
            "no-store",
            "{path}"
        );
        assert!(response.headers().contains_key("x-request-id"));
    }
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused() {
    let app = spawn().await;
    let practitioner = app.signed_in("practitioner").await;
    let response = practitioner
        .post(app.url("/api/v1/clients"))
        .header("origin", "https://evil.example")
        .json(&json!({ "given_name": "A", "family_name": "B", "birth_date": "1990-01-01" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_openapi_document_describes_the_fixed_names() {
    let app = spawn().await;
    let client = app.signed_in("front_desk").await;
    let doc: Value = client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/session",
        "/api/v1/clients",
        "/api/v1/clients/{id}",
        "/api/v1/clients/{id}/intakes",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/session"]["delete"].is_object());
}

#[tokio::test]
async fn pages_work_with_forms_and_refuse_a_form_without_its_token() {
    let app = spawn().await;
    let client = browser();
    let login = client
        .post(app.url("/login"))
        .form(&[("email", "practitioner@test.clinic"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let page = client
        .get(app.url("/clients/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let without = client
        .post(app.url("/clients"))
        .form(&[
            ("given_name", "Lena"),
            ("family_name", "Vogel"),
            ("birth_date", "1990-02-22"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    let created = client
        .post(app.url("/clients"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("given_name", "Lena"),
            ("family_name", "Vogel"),
            ("birth_date", "1990-02-22"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let location = created
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let client_page = client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(client_page.contains("Lena Vogel") && client_page.contains("New intake"));

    // The intake form, submitted as a browser would.
    let id = location.trim_start_matches("/clients/");
    let form = [
        ("csrf", csrf.as_str()),
        ("birth_date", "1990-02-22"),
        ("date", "2026-12-01"),
        ("session_number", "1"),
        ("fitzpatrick", "2"),
        ("area", "forehead"),
        ("area", "cheeks"),
        ("concern", "fine_lines"),
        ("device", "class:pen"),
        ("device_min", "0.25"),
        ("device_max", "2.5"),
        ("condition_1", "rosacea"),
        ("severity_1", "moderate"),
        ("zones_1", "cheeks"),
    ];
    let body = serde_urlencoded::to_string(form).unwrap();
    let saved = client
        .post(app.url(&format!("/clients/{id}/intakes")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let plan_page = client
        .get(app.url(saved.headers().get("location").unwrap().to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        plan_page.contains("Proceed with precautions"),
        "rosacea excludes the cheeks"
    );
    assert!(
        plan_page.contains("class=\"zone excluded\""),
        "the map shows the excluded zone"
    );
    assert!(plan_page.contains("No valid treatment consent"));

    // A page without a session answers 401 with the sign-in form.
    let anonymous = browser().get(app.url("/clients")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(anonymous.text().await.unwrap().contains("Sign in"));
}

#[tokio::test]
async fn an_idle_session_expires_and_an_old_one_ends_regardless() {
    let idle = common::spawn_with(needlepoint_app::ClinicConfig {
        idle_timeout_seconds: 1,
        ..Default::default()
    })
    .await;
    let client = idle.signed_in("front_desk").await;
    assert_eq!(
        client
            .get(idle.url("/api/v1/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    idle.clock.advance(jiff::SignedDuration::from_secs(2));
    assert_eq!(
        client
            .get(idle.url("/api/v1/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let absolute = common::spawn_with(needlepoint_app::ClinicConfig {
        absolute_timeout_seconds: 1,
        ..Default::default()
    })
    .await;
    let client = absolute.signed_in("front_desk").await;
    // Busy all along (never idle), yet the session ends at its absolute limit.
    for _ in 0..3 {
        absolute.clock.advance(jiff::SignedDuration::from_millis(700));
        let _ = client.get(absolute.url("/api/v1/clients")).send().await.unwrap();
    }
    assert_eq!(
        client
            .get(absolute.url("/api/v1/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}
