//! Health, signing in and out, throttling, session timeouts.

use crate::common;
use crate::common::{PASSWORD, browser, spawn};
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
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
