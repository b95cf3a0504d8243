//! After the session: aftercare from the depths used, private links, lot look-up.

use crate::chart::{book_and_check_in, complete_chart};
use crate::common;
use crate::common::clinic::{DAY, Setup, planned_client, send, set_up};
use crate::common::{TestApp, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) async fn signed_session(
    app: &TestApp,
    setup: &Setup,
    cheeks_depth: f64,
    lot: &str,
    given: &str,
    starts_at: &str,
) -> (String, String) {
    let practitioner = app.signed_in("practitioner").await;
    let desk = app.signed_in("front_desk").await;
    let owner = app.signed_in("owner").await;
    let (client, _) = planned_client(app, &practitioner, given, 2, true).await;
    let (_, checked) = book_and_check_in(app, setup, &desk, &client, starts_at).await;
    let chart_id = checked["chart_id"].as_str().unwrap().to_string();
    let mut chart = complete_chart(cheeks_depth, lot);
    chart["zones"][1]["over_limit_reason"] = json!("agreed with the medical director");
    let (status, saved) = send(
        practitioner
            .put(app.url(&format!("/api/v1/charts/{chart_id}")))
            .json(&json!({ "version": 1, "chart": chart })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let mut version = 2;
    if !saved["review"]["needs_cosign"].as_array().unwrap().is_empty() {
        let (status, _) = send(
            owner
                .post(app.url(&format!("/api/v1/charts/{chart_id}/cosign")))
                .json(&json!({ "version": version })),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        version += 1;
    }
    let (status, signed) = send(
        practitioner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/sign")))
            .json(&json!({ "version": version })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    (client, chart_id)
}

#[tokio::test]
async fn aftercare_follows_the_depths_used_and_opens_by_a_private_link() {
    let app = spawn().await;
    let setup = set_up(&app).await;
    let practitioner = app.signed_in("practitioner").await;
    let (_, shallow) = signed_session(&app, &setup, 0.25, "C-1", "Ana", &format!("{DAY}T09:00")).await;
    let (_, deep) = signed_session(&app, &setup, 2.0, "C-2", "Ben", &format!("{DAY}T11:00")).await;
    let care = |chart_id: String| {
        let practitioner = practitioner.clone();
        let url = app.url(&format!("/api/v1/charts/{chart_id}/aftercare"));
        async move { send(practitioner.get(url)).await.1 }
    };
    let shallow_care = care(shallow.clone()).await;
    let deep_care = care(deep.clone()).await;
    assert_eq!(shallow_care["session_date"], DAY);
    assert_eq!(deep_care["treated"][1]["depth_mm"], 2.0);
    let last_expected = |care: &Value| {
        care["care"]["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["until"].as_str().unwrap().to_string())
            .max()
            .unwrap()
    };
    assert!(
        last_expected(&deep_care) > last_expected(&shallow_care),
        "2 mm settles later than 0.5 mm"
    );
    assert!(!deep_care["care"]["warning_signs"].as_array().unwrap().is_empty());

    let (status, link) =
        send(practitioner.post(app.url(&format!("/api/v1/charts/{deep}/aftercare-link")))).await;
    assert_eq!(status, StatusCode::CREATED);
    let path = link["path"].as_str().unwrap();
    let page = common::browser().get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Ben Okafor") && html.contains("Cheeks (2.0 mm)"),
        "the client's own aftercare: {html}"
    );
    let wrong = common::browser()
        .get(app.url(&format!("/aftercare/{}", "0".repeat(64))))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_lot_lists_every_client_it_touched_with_their_contact_details() {
    let app = spawn().await;
    let setup = set_up(&app).await;
    let practitioner = app.signed_in("practitioner").await;
    let (ana, _) = signed_session(&app, &setup, 1.0, "RECALL-9", "Ana", &format!("{DAY}T09:00")).await;
    let (ben, _) = signed_session(&app, &setup, 1.0, "RECALL-9", "Ben", &format!("{DAY}T11:00")).await;
    signed_session(&app, &setup, 1.0, "OTHER-1", "Cleo", &format!("{DAY}T13:00")).await;
    let (status, uses) = send(practitioner.get(app.url("/api/v1/lots/recall-9"))).await;
    assert_eq!(status, StatusCode::OK);
    let uses = uses.as_array().unwrap();
    let mut clients: Vec<&str> = uses.iter().map(|u| u["client_id"].as_str().unwrap()).collect();
    clients.sort();
    let mut expected = vec![ana.as_str(), ben.as_str()];
    expected.sort();
    assert_eq!(clients, expected);
    assert!(
        uses.iter()
            .all(|u| u["kind"] == "cartridge" && u["phone"] == "+44 7700 900456")
    );
    let (_, glide) = send(practitioner.get(app.url("/api/v1/lots/G-19"))).await;
    assert_eq!(
        glide.as_array().unwrap().len(),
        3,
        "the glide lot was used in all three sessions"
    );
    let desk = app.signed_in("front_desk").await;
    let (status, _) = send(desk.get(app.url("/api/v1/lots/RECALL-9"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
