//! The route table: every route's session and role, the public routes, the OpenAPI document.

use crate::common::{browser, spawn};
use needlepoint_store::Role;
use reqwest::StatusCode;
use serde_json::Value;

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
