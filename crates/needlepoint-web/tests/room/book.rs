//! The appointment book: clashes, cancellations, series proposals and early sessions.

use crate::common::clinic::{DAY, booking, planned_client, send, set_up};
use crate::common::spawn;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
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
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
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
