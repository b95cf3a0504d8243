//! The appointment book and the treatment room over HTTP, against the real server and a fresh
//! SQLite file: booking clashes, series proposals, the check-in gate, charting, co-signature,
//! sign-off and amendments, aftercare from the depths used, and lot look-up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use common::clinic::{DAY, Setup, booking, planned_client, send, set_up};
use common::{TestApp, spawn};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn double_booking_is_refused_naming_the_clash_and_a_cancellation_frees_the_time() {
    let app = spawn().await;
    let setup = set_up(&app).await;
    let practitioner = app.signed_in("practitioner").await;
    let desk = app.signed_in("front_desk").await;
    let (ana, plan) = planned_client(&app, &practitioner, "Ana", 2, true).await;
    let (ben, _) = planned_client(&app, &practitioner, "Ben", 2, true).await;

    let (status, first) = send(desk.post(app.url("/api/v1/appointments")).json(&booking(
        &setup,
        &ana,
        0,
        0,
        &format!("{DAY}T10:00"),
    )))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let minutes = plan["session"]["total_minutes"].as_i64().unwrap();
    let appointment = &first["appointment"];
    assert_eq!(appointment["starts_at"], format!("{DAY}T10:00:00"));
    let end = jiff::civil::DateTime::constant(2026, 12, 7, 10, 0, 0, 0)
        .checked_add(jiff::Span::new().minutes(minutes))
        .unwrap();
    assert_eq!(
        appointment["ends_at"],
        end.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        "length from the plan's timeline"
    );
    assert_eq!(appointment["zones"], json!(["forehead", "cheeks"]));

    // Same practitioner, other room and device, overlapping: the practitioner is named.
    let (status, clash) = send(desk.post(app.url("/api/v1/appointments")).json(&booking(
        &setup,
        &ben,
        1,
        1,
        &format!("{DAY}T10:30"),
    )))
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{clash}");
    assert_eq!(clash["error"], "booking_clash");
    assert!(
        clash["message"]
            .as_str()
            .unwrap()
            .contains("practitioner practitioner@test.clinic is booked"),
        "{clash}"
    );

    // The owner in the same room with the same device: room and device are named.
    let mut same_room = booking(&setup, &ben, 0, 0, &format!("{DAY}T10:45"));
    same_room["practitioner_id"] = json!(setup.owner_id);
    let (status, clash) = send(desk.post(app.url("/api/v1/appointments")).json(&same_room)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let message = clash["message"].as_str().unwrap();
    assert!(
        message.contains("room Room 1 is booked")
            && message.contains("device Pen SP-1 (serial SP-1) is booked"),
        "{message}"
    );
    assert!(!message.contains("practitioner"), "{message}");

    // Outside opening hours (Monday closes at 18:00) and on a Sunday.
    for starts_at in [format!("{DAY}T17:30"), "2026-12-13T10:00".to_string()] {
        let (status, body) = send(
            desk.post(app.url("/api/v1/appointments"))
                .json(&booking(&setup, &ben, 1, 1, &starts_at)),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["fields"]["starts_at"]
                .as_str()
                .unwrap()
                .contains("opening hours"),
            "{body}"
        );
    }

    // Nothing was half-saved: the calendar holds only the first booking.
    let (_, day) = send(desk.get(app.url(&format!("/api/v1/calendar?from={DAY}&days=1")))).await;
    assert_eq!(day["entries"].as_array().unwrap().len(), 1);
    assert_eq!(day["entries"][0]["client_name"], "Ana Okafor");

    // A stale version is a conflict; a cancellation needs its reason, then frees the slot.
    let id = appointment["id"].as_str().unwrap();
    let (status, _) = send(
        desk.post(app.url(&format!("/api/v1/appointments/{id}/cancel")))
            .json(&json!({ "version": 1 })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = send(
        desk.post(app.url(&format!("/api/v1/appointments/{id}/cancel")))
            .json(&json!({ "version": 7, "reason": "ill" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, cancelled) = send(
        desk.post(app.url(&format!("/api/v1/appointments/{id}/cancel")))
            .json(&json!({ "version": 1, "reason": "Client is unwell" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["status_reason"], "Client is unwell");
    let (status, body) = send(desk.post(app.url("/api/v1/appointments")).json(&booking(
        &setup,
        &ben,
        1,
        1,
        &format!("{DAY}T10:30"),
    )))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Rescheduling onto a taken time is a clash too.
    let ben_id = body["appointment"]["id"].as_str().unwrap();
    let (status, _) = send(desk.post(app.url("/api/v1/appointments")).json(&booking(
        &setup,
        &ana,
        0,
        0,
        "2026-12-08T09:00",
    )))
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, moved) = send(
        desk.post(app.url(&format!("/api/v1/appointments/{ben_id}/reschedule")))
            .json(&json!({ "version": 1, "starts_at": "2026-12-08T09:30" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{moved}");
    assert_eq!(moved["error"], "booking_clash");
}

#[tokio::test]
async fn a_series_is_proposed_inside_the_intervals_and_an_early_session_needs_a_reason() {
    let app = spawn().await;
    let setup = set_up(&app).await;
    let practitioner = app.signed_in("practitioner").await;
    let desk = app.signed_in("front_desk").await;
    let (ana, plan) = planned_client(&app, &practitioner, "Ana", 2, true).await;
    let (kemi, dark_plan) = planned_client(&app, &practitioner, "Kemi", 5, true).await;
    let ask = json!({
        "practitioner_id": setup.practitioner_id, "room_id": setup.rooms[0], "device_id": setup.devices[0],
        "from": DAY, "preferred_time": "10:00"
    });

    let (status, proposal) = send(
        desk.post(app.url(&format!("/api/v1/clients/{ana}/series-proposals")))
            .json(&ask),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{proposal}");
    let sessions = proposal["proposals"].as_array().unwrap();
    assert_eq!(
        sessions.len() as u64,
        plan["series"]["sessions"].as_u64().unwrap()
    );
    let min = plan["series"]["interval_days"]["min"].as_i64().unwrap();
    let max = plan["series"]["interval_days"]["max"].as_i64().unwrap();
    let date = |p: &Value| {
        p["starts_at"].as_str().unwrap()[..10]
            .parse::<jiff::civil::Date>()
            .unwrap()
    };
    assert_eq!(sessions[0]["starts_at"], format!("{DAY}T10:00:00"));
    for pair in sessions.windows(2) {
        let gap = date(&pair[0]).until(date(&pair[1])).unwrap().get_days() as i64;
        assert!((min..=max).contains(&gap), "gap {gap} outside {min}..={max}");
        assert_ne!(
            date(&pair[1]).weekday(),
            jiff::civil::Weekday::Sunday,
            "closed on Sundays"
        );
    }

    // Fitzpatrick V: the plan's interval is two weeks longer, and the proposals keep it.
    let dark_min = dark_plan["series"]["interval_days"]["min"].as_i64().unwrap();
    assert_eq!(dark_min, min + 14);
    let (_, dark) = send(
        desk.post(app.url(&format!("/api/v1/clients/{kemi}/series-proposals")))
            .json(&ask),
    )
    .await;
    let dark = dark["proposals"].as_array().unwrap();
    let first_gap = date(&dark[0]).until(date(&dark[1])).unwrap().get_days() as i64;
    assert!(first_gap >= dark_min, "{first_gap} < {dark_min}");
    // Ana's first session at 10:00 is not booked yet, so Kemi may have it too.
    assert_eq!(dark[0]["starts_at"], format!("{DAY}T10:00:00"));

    // Accept the first proposal; the next proposal then counts from it and avoids its time.
    let (status, _) = send(desk.post(app.url("/api/v1/appointments")).json(&booking(
        &setup,
        &ana,
        0,
        0,
        sessions[0]["starts_at"].as_str().unwrap(),
    )))
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, again) = send(
        desk.post(app.url(&format!("/api/v1/clients/{kemi}/series-proposals")))
            .json(&ask),
    )
    .await;
    assert_ne!(
        again["proposals"][0]["starts_at"],
        format!("{DAY}T10:00:00"),
        "the booked slot is not offered again"
    );

    // A second session a week later is below the minimum interval: a reason is needed.
    let early = booking(&setup, &ana, 0, 0, "2026-12-14T10:00");
    let (status, refused) = send(desk.post(app.url("/api/v1/appointments")).json(&early)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["fields"]["early_reason"]
            .as_str()
            .unwrap()
            .contains(&format!("minimum is {min} days")),
        "{refused}"
    );
    let mut with_reason = early.clone();
    with_reason["early_reason"] =
        json!("Client travels abroad for three months; agreed with the practitioner");
    let (status, booked) = send(desk.post(app.url("/api/v1/appointments")).json(&with_reason)).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert!(
        booked["appointment"]["early_reason"]
            .as_str()
            .unwrap()
            .contains("abroad")
    );

    // The series view counts what is booked and what is missing.
    let (_, series) = send(desk.get(app.url(&format!("/api/v1/clients/{ana}/series")))).await;
    assert_eq!(series["booked"].as_array().unwrap().len(), 2);
    assert_eq!(
        series["missing"].as_u64().unwrap(),
        plan["series"]["sessions"].as_u64().unwrap() - 2
    );
}

async fn book_and_check_in(
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

fn complete_chart(cheeks_depth: f64, lot: &str) -> Value {
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

async fn signed_session(
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
