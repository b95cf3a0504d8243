//! The check-in gate and the chart: saved as it goes, signed once, amended, group commit.

use crate::common::clinic::{DAY, Setup, booking, planned_client, send, set_up};
use crate::common::{TestApp, spawn};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub(crate) async fn book_and_check_in(
    app: &TestApp,
    setup: &Setup,
    desk: &Client,
    client: &str,
    starts_at: &str,
) -> (String, Value) {
    let (status, booked) = send(
        desk.post(app.url("/api/v1/appointments"))
            .json(&booking(setup, client, 0, 0, starts_at)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let id = booked["appointment"]["id"].as_str().unwrap().to_string();
    let (status, checked) = send(
        desk.post(app.url(&format!("/api/v1/appointments/{id}/check-in")))
            .json(&json!({ "version": 1, "changes": { "new_medication": false, "new_condition": false, "pregnancy": false, "sun_or_tanning": false, "other_procedure": false, "active_lesion": false } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    (id, checked)
}

#[tokio::test]
async fn the_check_in_gate_needs_consent_answers_and_a_rescreen_after_a_change() {
    let app = spawn().await;
    let setup = set_up(&app).await;
    let practitioner = app.signed_in("practitioner").await;
    let desk = app.signed_in("front_desk").await;
    let (ana, _) = planned_client(&app, &practitioner, "Ana", 2, false).await;
    let (status, booked) = send(desk.post(app.url("/api/v1/appointments")).json(&booking(
        &setup,
        &ana,
        0,
        0,
        &format!("{DAY}T09:00"),
    )))
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = booked["appointment"]["id"].as_str().unwrap();
    let url = app.url(&format!("/api/v1/appointments/{id}/check-in"));

    let (status, shut) = send(desk.post(&url).json(&json!({ "version": 1 }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = shut["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("no_treatment_consent") && fields.contains_key("changes_not_answered"),
        "{shut}"
    );

    let (_, template) = send(practitioner.get(app.url("/api/v1/consent-templates/treatment"))).await;
    send(
        practitioner
            .post(app.url(&format!("/api/v1/clients/{ana}/consents")))
            .json(&json!({
                "kind": "treatment", "template_id": template["id"], "signer_name": "Ana Okafor"
            })),
    )
    .await;

    // Something changed: the desk cannot let the session start; a new screening is needed.
    let changed = json!({ "version": 1, "changes": { "new_medication": true } });
    let (status, shut) = send(desk.post(&url).json(&changed)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        shut["fields"].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["rescreen_required"]
    );

    // The re-screen finds isotretinoin six weeks ago: the new screening defers, the gate stays shut.
    let mut rescreen = changed.clone();
    rescreen["intake"] = json!({
        "date": DAY,
        "client": { "birth_date": "1988-02-14", "fitzpatrick": 2 },
        "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
        "areas": ["forehead", "cheeks"], "concerns": ["acne_scars"],
        "history": { "isotretinoin_last_dose": "2026-10-26" }
    });
    let (status, shut) = send(practitioner.post(&url).json(&rescreen)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{shut}");
    assert!(
        shut["fields"]["deferred"].as_str().unwrap().contains("until"),
        "{shut}"
    );

    // With a clean re-screen the session starts and its chart opens.
    rescreen["intake"]["history"] = json!({});
    let (status, open) = send(practitioner.post(&url).json(&rescreen)).await;
    assert_eq!(status, StatusCode::OK, "{open}");
    assert_eq!(open["appointment"]["status"], "checked_in");
    let chart_id = open["chart_id"].as_str().unwrap();
    let (_, chart) = send(practitioner.get(app.url(&format!("/api/v1/charts/{chart_id}")))).await;
    assert_eq!(chart["chart"]["changes_since_last_visit"]["new_medication"], true);

    // Checked in once is enough: a second check-in is refused.
    let (status, _) = send(practitioner.post(&url).json(&rescreen)).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

pub(crate) fn complete_chart(cheeks_depth: f64, lot: &str) -> Value {
    json!({
        "photos_taken": true, "cleansed": true,
        "anaesthetic": { "agent": "lidocaine_tetracaine_7", "concentration": "7%/7%", "areas": ["forehead", "cheeks"],
                         "applied_at": format!("{DAY}T08:30:00"), "removed_at": format!("{DAY}T09:00:00"), "occlusion": false },
        "removal_and_antisepsis": true,
        "device_serial": "SP-1",
        "cartridge": { "lot": lot, "expiry": "2027-06-30", "sterile_pack_intact": true },
        "zones": [
            { "zone": "forehead", "actual_depth_mm": 0.5, "passes": 4, "speed": 6, "endpoint": "erythema" },
            { "zone": "cheeks", "actual_depth_mm": cheeks_depth, "passes": 6, "speed": 8, "endpoint": "pinpoint_bleeding" }
        ],
        "glide": { "product": "Sterile HA glide", "lot": "G-19" },
        "post_products": [{ "product": "Calming balm", "lot": "B-2" }],
        "notes": "Tolerated well."
    })
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
async fn a_chart_saves_as_it_goes_signs_once_and_is_amended_never_edited() {
    let app = spawn().await;
    let setup = set_up(&app).await;
    let practitioner = app.signed_in("practitioner").await;
    let owner = app.signed_in("owner").await;
    let desk = app.signed_in("front_desk").await;
    let (ana, _) = planned_client(&app, &practitioner, "Ana", 2, true).await;
    let (_, checked) = book_and_check_in(&app, &setup, &desk, &ana, &format!("{DAY}T09:00")).await;
    let chart_id = checked["chart_id"].as_str().unwrap();
    let url = app.url(&format!("/api/v1/charts/{chart_id}"));

    // The front desk sees no charts.
    let (status, _) = send(desk.get(&url)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A first, partial save.
    let (status, saved) = send(
        practitioner
            .put(&url)
            .json(&json!({ "version": 1, "chart": { "photos_taken": true, "cleansed": true } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    assert!(saved["review"]["sign_blockers"].as_array().unwrap().len() > 3);

    // A stale save is a conflict; an expired lot is refused; neither changes anything.
    let (status, stale) = send(practitioner.put(&url).json(&json!({ "version": 1, "chart": {} }))).await;
    assert_eq!(
        (status, stale["error"].as_str().unwrap()),
        (StatusCode::CONFLICT, "version_conflict")
    );
    let mut expired = complete_chart(1.0, "C-77");
    expired["cartridge"]["expiry"] = json!("2026-11-30");
    let (status, refused) = send(
        practitioner
            .put(&url)
            .json(&json!({ "version": 2, "chart": expired })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["fields"]["chart.cartridge.expiry"]
            .as_str()
            .unwrap()
            .contains("expired on 2026-11-30"),
        "{refused}"
    );
    let (status, bad) = send(
        practitioner
            .put(&url)
            .json(&json!({ "version": 2, "chart": { "depth": 1 } })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad["fields"]["chart"].as_str().unwrap().contains("unknown field"),
        "{bad}"
    );
    let (_, unchanged) = send(practitioner.get(&url)).await;
    assert_eq!(unchanged["version"], 2);

    // Signing an unfinished chart names what is missing.
    let (status, missing) = send(
        practitioner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/sign")))
            .json(&json!({ "version": 2 })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing["fields"]
            .as_object()
            .unwrap()
            .contains_key("chart.cartridge"),
        "{missing}"
    );

    // Cheeks at 1.5 mm: above the practitioner's 1.0 mm licence, so a reason and a co-signature.
    let mut deep = complete_chart(1.5, "C-77");
    let (_, saved) = send(
        practitioner
            .put(&url)
            .json(&json!({ "version": 2, "chart": deep })),
    )
    .await;
    assert_eq!(saved["review"]["needs_cosign"], json!(["cheeks"]));
    deep["zones"][1]["over_limit_reason"] =
        json!("Rolling scars; deeper work agreed with the medical director");
    let (_, saved) = send(
        practitioner
            .put(&url)
            .json(&json!({ "version": 3, "chart": deep })),
    )
    .await;
    let (status, blocked) = send(
        practitioner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/sign")))
            .json(&json!({ "version": 4 })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        blocked["fields"]["chart.zones[1].actual_depth_mm"]
            .as_str()
            .unwrap()
            .contains("co-signs"),
        "{blocked}"
    );
    let (status, self_cosign) = send(
        practitioner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/cosign")))
            .json(&json!({ "version": 4 })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the practitioner cannot co-sign their own chart: {self_cosign}"
    );
    let (status, cosigned) = send(
        owner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/cosign")))
            .json(&json!({ "version": 4 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cosigned}");
    assert_eq!(saved["version"], 4);

    // Only the treating practitioner signs.
    let (status, _) = send(
        owner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/sign")))
            .json(&json!({ "version": 5 })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, signed) = send(
        practitioner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/sign")))
            .json(&json!({ "version": 5 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    assert!(signed["signed_at"].is_string());

    // Frozen: a save is refused, even with the right version; a correction is an amendment.
    let (status, locked) = send(
        practitioner
            .put(&url)
            .json(&json!({ "version": 6, "chart": deep })),
    )
    .await;
    assert_eq!(
        (status, locked["error"].as_str().unwrap()),
        (StatusCode::CONFLICT, "record_locked")
    );
    let (status, _) = send(
        practitioner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/amendments")))
            .json(&json!({ "text": "Passes on cheeks were 5" })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an amendment needs its reason"
    );
    let (status, amendment) = send(
        practitioner
            .post(app.url(&format!("/api/v1/charts/{chart_id}/amendments")))
            .json(&json!({ "reason": "Miscounted in the room", "text": "Passes on cheeks were 5, not 6" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{amendment}");
    let (_, after) = send(practitioner.get(&url)).await;
    assert_eq!(after["chart"]["zones"][1]["passes"], 6, "the original stands");
    assert_eq!(after["amendments"][0]["text"], "Passes on cheeks were 5, not 6");

    // On SQLite the database itself also refuses to change a signed chart (a trigger). PostgreSQL
    // keeps to what distributed engines run, without triggers: there the store's refusal above is
    // the guard, and a direct SQL session is the database administrator's to control.
    if app.db.engine == needlepoint_store_conformance::Engine::Sqlite {
        let direct = app
            .db
            .execute(&format!(
                "UPDATE charts SET chart_json = '{{}}' WHERE id = '{chart_id}'"
            ))
            .await;
        assert!(direct.unwrap_err().contains("never changes"));
    }

    // The appointment is done.
    let (_, appointment) = send(desk.get(app.url(&format!(
        "/api/v1/appointments/{}",
        after["appointment_id"].as_str().unwrap()
    ))))
    .await;
    assert_eq!(appointment["status"], "done");

    // The client's history shows the signed, amended session with the depths used.
    let (status, history) = send(practitioner.get(app.url(&format!("/api/v1/clients/{ana}/charts")))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history[0]["treated"], json!([["forehead", 0.5], ["cheeks", 1.5]]));
    assert_eq!(
        (
            history[0]["amended"].as_bool(),
            history[0]["signed_at"].is_string()
        ),
        (Some(true), true)
    );
}

#[tokio::test]
async fn saves_arriving_together_share_a_commit_and_a_stale_one_fails_alone() {
    let app = spawn().await;
    let setup = set_up(&app).await;
    let practitioner = app.signed_in("practitioner").await;
    let desk = app.signed_in("front_desk").await;
    let mut charts = Vec::new();
    for (i, given) in ["Ana", "Ben", "Cleo", "Dev"].into_iter().enumerate() {
        let (client, _) = planned_client(&app, &practitioner, given, 2, true).await;
        let (_, checked) = book_and_check_in(
            &app,
            &setup,
            &desk,
            &client,
            &format!("{DAY}T{:02}:00", 9 + 2 * i),
        )
        .await;
        charts.push(checked["chart_id"].as_str().unwrap().to_string());
    }
    // Every chart gets a good save and a stale one at the same moment.
    let mut saves = Vec::new();
    for chart in &charts {
        for version in [1, 7] {
            let request = practitioner
                .put(app.url(&format!("/api/v1/charts/{chart}")))
                .json(&json!({ "version": version, "chart": { "photos_taken": true, "notes": format!("version {version}") } }));
            saves.push(tokio::spawn(async move { (version, send(request).await) }));
        }
    }
    for save in saves {
        let (version, (status, body)) = save.await.unwrap();
        match version {
            1 => assert_eq!(
                (status, body["version"].as_i64()),
                (StatusCode::OK, Some(2)),
                "{body}"
            ),
            _ => assert_eq!(
                (status, body["error"].as_str()),
                (StatusCode::CONFLICT, Some("version_conflict")),
                "{body}"
            ),
        }
    }
    for chart in &charts {
        let (_, stored) = send(practitioner.get(app.url(&format!("/api/v1/charts/{chart}")))).await;
        assert_eq!(
            stored["chart"]["notes"], "version 1",
            "the stale save left nothing behind"
        );
    }
    let owner = app.signed_in("owner").await;
    let (_, verified) = send(owner.get(app.url("/api/v1/audit/verify"))).await;
    assert_eq!(
        verified["valid"], true,
        "one chain through every shared commit: {verified}"
    );
}
