//! Security headers, cross-site refusals and the pages with plain forms.

use crate::common::{PASSWORD, browser, spawn};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use serde_json::json;

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
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
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

/// A page's text as a reader sees it: the tags and their attributes left out.
fn visible_text(page: &str) -> String {
    page.split('<')
        .map(|part| part.split_once('>').map_or(part, |(_, text)| text))
        .collect()
}

/// The form's hidden CSRF token, as a browser would post it back.
fn csrf_in(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string()
}

/// The intake page asks the protocol's questions with a real yes and no (an unticked box cannot
/// say "no"), so a question the protocol makes mandatory for the lips (cold sores, reference
/// §2.2) can be answered either way, and left blank is refused naming the question.
#[tokio::test]
async fn the_intake_form_asks_the_protocols_questions_and_a_required_one_must_be_answered() {
    let app = spawn().await;
    let practitioner = app.signed_in("practitioner").await;
    let client = app.new_client(&practitioner).await;
    let id = client["id"].as_str().unwrap();
    let form_page = practitioner
        .get(app.url(&format!("/clients/{id}/intakes/new")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form_page.contains(r#"name="hsv_history" value="no""#),
        "a real no"
    );
    assert!(
        form_page.contains(r#"name="chemical_peel_depth""#),
        "a choice question"
    );
    assert!(form_page.contains("cold sores"), "the protocol's wording");
    let csrf = csrf_in(&form_page);
    let post = |extra: &'static [(&'static str, &'static str)]| {
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("birth_date", "1990-04-02"),
            ("date", "2026-12-01"),
            ("session_number", "1"),
            ("fitzpatrick", "2"),
            ("area", "perioral"),
            ("concern", "fine_lines"),
            ("device", "class:pen"),
            ("device_min", "0.25"),
            ("device_max", "2.5"),
        ];
        fields.extend_from_slice(extra);
        practitioner
            .post(app.url(&format!("/clients/{id}/intakes")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap())
            .send()
    };
    let blank = post(&[]).await.unwrap();
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = blank.text().await.unwrap();
    assert!(
        refused.contains("History of cold sores"),
        "names the question by its label"
    );
    assert!(
        !visible_text(&refused).contains("hsv_history"),
        "not the field key"
    );
    let answered = post(&[("hsv_history", "no")]).await.unwrap();
    assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    let plan_page = practitioner
        .get(app.url(answered.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(plan_page.contains("Proceed"), "{plan_page}");
    let with_history = post(&[("hsv_history", "yes")]).await.unwrap();
    assert_eq!(with_history.status(), StatusCode::SEE_OTHER);
}
