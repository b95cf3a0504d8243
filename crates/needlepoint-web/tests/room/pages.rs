//! The room's pages without scripts.

use crate::common::clinic::{DAY, planned_client, set_up};
use crate::common::spawn;
use reqwest::{Client, StatusCode};

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

async fn page(client: &Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
async fn the_pages_book_check_in_chart_and_sign_without_scripts() {
    let app = spawn().await;
    let setup = set_up(&app).await;
    let practitioner = app.signed_in("practitioner").await;
    let (ana, _) = planned_client(&app, &practitioner, "Ana", 2, true).await;

    // The series page proposes; the proposal's form books it.
    let query = format!(
        "practitioner_id={}&room_id={}&device_id={}&from={DAY}&preferred_time=09:00",
        setup.practitioner_id, setup.rooms[0], setup.devices[0]
    );
    let (status, html) = page(&practitioner, app.url(&format!("/clients/{ana}/book?{query}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("value=\"{DAY}T09:00\"")),
        "the first proposal is at 09:00"
    );
    let csrf = csrf_of(&html);
    let form = [
        ("csrf", csrf.as_str()),
        ("client_id", ana.as_str()),
        ("practitioner_id", setup.practitioner_id.as_str()),
        ("room_id", setup.rooms[0].as_str()),
        ("device_id", setup.devices[0].as_str()),
        ("starts_at", &format!("{DAY}T09:00")),
    ];
    let booked = practitioner
        .post(app.url("/appointments"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), StatusCode::SEE_OTHER);
    let appointment = booked.headers()["location"].to_str().unwrap().to_string();
    // Another client at the same time: the page says what clashes.
    let (ben, _) = planned_client(&app, &practitioner, "Ben", 2, true).await;
    let mut other = form.to_vec();
    other[1] = ("client_id", ben.as_str());
    let again = practitioner
        .post(app.url("/appointments"))
        .form(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again.text().await.unwrap().contains("is booked"));

    // Check in from the appointment page, with no change ticked: the chart opens.
    let (_, html) = page(&practitioner, app.url(&appointment)).await;
    assert!(html.contains("Check in"));
    let checked = practitioner
        .post(app.url(&format!("{appointment}/check-in")))
        .form(&[("csrf", csrf.as_str()), ("version", "1"), ("answered", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(checked.status(), StatusCode::SEE_OTHER);
    let chart = checked.headers()["location"].to_str().unwrap().to_string();
    assert!(chart.starts_with("/charts/"));

    // The chart form, saved with its button.
    let chart_form = |version: &'static str, expiry: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.to_string()),
            ("photos_taken", "true".into()),
            ("cleansed", "true".into()),
            ("anaesthetic_agent", "none".into()),
            ("removal_and_antisepsis", "true".into()),
            ("device_serial", "SP-1".into()),
            ("cartridge_lot", "CART-1".into()),
            ("cartridge_expiry", expiry.to_string()),
            ("cartridge_sterile_pack_intact", "true".into()),
            ("zone_forehead_depth", "0.5".into()),
            ("zone_forehead_passes", "3".into()),
            ("zone_forehead_endpoint", "erythema".into()),
            ("zone_cheeks_depth", "1.0".into()),
            ("zone_cheeks_passes", "5".into()),
            ("zone_cheeks_endpoint", "pinpoint_bleeding".into()),
            ("glide_product", "Sterile HA glide".into()),
            ("glide_lot", "G-1".into()),
            ("post_product", "other".into()),
            ("post_other", "Aloe gel".into()),
            ("post_lot", "A-1".into()),
            (
                "post_reason",
                "Client's own, approved by the medical director".into(),
            ),
        ]
    };
    let expired = practitioner
        .post(app.url(&chart))
        .form(&chart_form("1", "2026-01-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = expired.text().await.unwrap();
    assert!(
        html.contains("expired on 2026-01-31") && html.contains("value=\"CART-1\""),
        "the typed values stay on the page"
    );
    let saved = practitioner
        .post(app.url(&chart))
        .form(&chart_form("1", "2027-01-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&practitioner, app.url(&chart)).await;
    assert!(html.contains("Everything needed is charted."), "{html}");
    let signed = practitioner
        .post(app.url(&format!("{chart}/sign")))
        .form(&[("csrf", csrf.as_str()), ("version", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&practitioner, app.url(&chart)).await;
    assert!(html.contains("Print the aftercare sheet"));
    let (status, sheet) = page(&practitioner, app.url(&format!("{chart}/aftercare"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(sheet.contains("What to do and what to avoid") && sheet.contains("Cheeks (1.0 mm)"));

    // The lot page finds the session.
    let (_, lots) = page(&practitioner, app.url("/lots?lot=A-1")).await;
    assert!(
        lots.contains("Ana") && lots.contains("After-care product: Aloe gel"),
        "{lots}"
    );
}
