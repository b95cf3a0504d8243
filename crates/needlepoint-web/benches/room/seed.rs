//! Seeding the SQLite store: staff and rooms through the API, then clients, intakes and signed
//! sessions straight into the tables.

use std::sync::Arc;
use std::time::Instant;

use needlepoint_store::{IntakeId, IntakeStore, Store};
use needlepoint_store_sqlite::SqliteStore;
use serde_json::{Value, json};

use crate::{
    APPOINTMENT_COLUMNS, PASSWORD, SESSIONS_PER_CLIENT, SIGNED_CHART_COLUMNS, Seeded, bulk, chart_json,
    time_of,
};

/// Seeds the SQLite store: staff and rooms through the API, then clients, intakes and signed
/// sessions straight into the tables.
#[allow(
    clippy::too_many_lines,
    reason = "a benchmark runs its steps in one place, in order"
)]
pub(crate) async fn seed(store: &Arc<SqliteStore>, sessions: usize) -> Seeded {
    let base = crate::server(store.clone() as Arc<dyn Store>).await;
    let owner = crate::owner(store.clone() as Arc<dyn Store>).await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let ok = |r: reqwest::Response| async move {
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert!(status.is_success(), "{status}: {body}");
        body
    };
    ok(http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "email": "owner@bench.test", "password": PASSWORD }))
        .send()
        .await
        .unwrap())
    .await;

    // The clinic through the API, one real client with a real intake, so the stored plan is the engine's.
    let owner_id = owner.id.to_string();
    ok(http
        .put(format!("{base}/api/v1/practitioners/{owner_id}/licence"))
        .json(&json!({ "licence_type": "Physician", "max_depth_mm": 2.5 }))
        .send()
        .await
        .unwrap())
    .await;
    let room = ok(http
        .post(format!("{base}/api/v1/rooms"))
        .json(&json!({ "name": "Room 1" }))
        .send()
        .await
        .unwrap())
    .await;
    let device = ok(http
        .post(format!("{base}/api/v1/devices"))
        .json(&json!({ "name": "Pen", "model": "pen", "serial": "BENCH-1", "min_mm": 0.25, "max_mm": 2.5 }))
        .send()
        .await
        .unwrap())
    .await;
    for (name, use_for) in [("Sterile HA glide", "glide"), ("Calming balm", "post_procedure")] {
        ok(http
            .post(format!("{base}/api/v1/formulary"))
            .json(&json!({ "name": name, "use": use_for }))
            .send()
            .await
            .unwrap())
        .await;
    }
    let template = ok(http
        .post(format!("{base}/api/v1/clients"))
        .json(&json!({ "given_name": "Template", "family_name": "Client", "birth_date": "1988-02-14" }))
        .send()
        .await
        .unwrap())
    .await;
    let template_id = template["id"].as_str().unwrap().to_string();
    let intake = ok(http
        .post(format!("{base}/api/v1/clients/{template_id}/intakes"))
        .json(&json!({
            "date": "2026-12-07", "client": { "birth_date": "1988-02-14", "fitzpatrick": 2 },
            "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
            "areas": ["forehead", "cheeks"], "concerns": ["acne_scars"]
        }))
        .send()
        .await
        .unwrap())
    .await;
    let intake_id = IntakeId::parse(intake["intake_id"].as_str().unwrap()).unwrap();
    let intake_record = store.intake(&intake_id).await.unwrap().unwrap();
    let (intake_json, plan_json) = (
        intake_record.intake.to_string(),
        serde_json::to_string(&intake_record.plan).unwrap(),
    );
    let decision = intake_record.decision.name();
    let (room_id, device_id) = (
        room["id"].as_str().unwrap().to_string(),
        device["id"].as_str().unwrap().to_string(),
    );

    // A million sessions, straight into the tables (the API would take hours): clients, their
    // intakes, appointments, signed charts and the lot index.
    let clients = sessions.div_ceil(SESSIONS_PER_CLIENT);
    let pool = store.engine().pool();
    let started = Instant::now();
    let now = "2026-11-24T00:00:00Z";
    for batch in (0..clients).collect::<Vec<_>>().chunks(20_000) {
        let mut client_rows = Vec::new();
        let mut intake_rows = Vec::new();
        for &c in batch {
            let id = format!("bench-client-{c:07}");
            client_rows.push(vec![
                json!(id),
                json!(format!("Given{c}")),
                json!(format!("Family{c}")),
                json!("1988-02-14"),
                json!(format!("c{c}@example.com")),
                json!(format!("+4477009{c:05}")),
                json!(format!("given{c}")),
                json!(format!("family{c}")),
                json!(format!("c{c}@example.com")),
                json!(format!("4477009{c:05}").chars().rev().collect::<String>()),
                json!(1),
                json!(0),
                json!(now),
                json!(now),
            ]);
            intake_rows.push(vec![
                json!(format!("bench-intake-{c:07}")),
                json!(id),
                json!(1),
                json!(intake_json),
                json!(plan_json),
                json!(decision),
                json!("bench"),
                json!(owner_id),
                json!(now),
            ]);
        }
        bulk(pool, "clients", "id, given_name, family_name, birth_date, email, phone, given_key, family_key, email_key, phone_key, version, archived, created_at, updated_at", client_rows).await;
        bulk(pool, "intakes", "id, client_id, number, intake_json, plan_json, decision, protocol_version, created_by, created_at", intake_rows).await;
    }
    for batch in (0..sessions).collect::<Vec<_>>().chunks(20_000) {
        let (mut appointments, mut charts, mut lots) = (Vec::new(), Vec::new(), Vec::new());
        for &s in batch {
            let c = s / SESSIONS_PER_CLIENT;
            let (start, end) = time_of(s);
            let (client, appointment, chart) = (
                format!("bench-client-{c:07}"),
                format!("bench-appt-{s:07}"),
                format!("bench-chart-{s:07}"),
            );
            appointments.push(vec![
                json!(appointment),
                json!(client),
                json!(format!("bench-intake-{c:07}")),
                json!(owner_id),
                json!(room_id),
                json!(device_id),
                json!(start),
                json!(end),
                json!("[\"forehead\",\"cheeks\"]"),
                json!("done"),
                json!(1),
                json!(owner_id),
                json!(now),
                json!(now),
            ]);
            charts.push(vec![
                json!(chart),
                json!(appointment),
                json!(client),
                json!(chart_json(s, 1.0)),
                json!(3),
                json!(owner_id),
                json!(now),
                json!(now),
                json!(now),
            ]);
            let day = &start[..10];
            for (lot, kind, product) in [
                (format!("C-{}", s / 50), "cartridge", "needle cartridge"),
                (format!("G-{}", s / 500), "glide", "Sterile HA glide"),
                (format!("P-{}", s / 1000), "post_procedure", "Calming balm"),
            ] {
                lots.push(vec![
                    json!(lot),
                    json!(kind),
                    json!(product),
                    json!(chart),
                    json!(client),
                    json!(day),
                ]);
            }
        }
        bulk(pool, "appointments", APPOINTMENT_COLUMNS, appointments).await;
        bulk(pool, "charts", SIGNED_CHART_COLUMNS, charts).await;
        bulk(
            pool,
            "lot_uses",
            "lot, kind, product, chart_id, client_id, used_on",
            lots,
        )
        .await;
    }
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    println!(
        "seeded {clients} clients and {sessions} signed sessions ({} lot uses) in {:.0} s",
        sessions * 3,
        started.elapsed().as_secs_f64()
    );

    // Client 0 gets 500 sessions more, for the history test (client 1 keeps its 10).
    let busy_client = "bench-client-0000000";
    let mut extra = (Vec::new(), Vec::new());
    for k in 0..500usize {
        let s = sessions + k;
        let (start, end) = time_of(s);
        let (appointment, chart) = (format!("bench-appt-x{k:04}"), format!("bench-chart-x{k:04}"));
        extra.0.push(vec![
            json!(appointment),
            json!(busy_client),
            json!("bench-intake-0000000"),
            json!(owner_id),
            json!(room_id),
            json!(device_id),
            json!(start),
            json!(end),
            json!("[\"forehead\",\"cheeks\"]"),
            json!("done"),
            json!(1),
            json!(owner_id),
            json!(now),
            json!(now),
        ]);
        extra.1.push(vec![
            json!(chart),
            json!(appointment),
            json!(busy_client),
            json!(chart_json(s, 1.0)),
            json!(3),
            json!(owner_id),
            json!(now),
            json!(now),
            json!(now),
        ]);
    }
    bulk(pool, "appointments", APPOINTMENT_COLUMNS, extra.0).await;
    bulk(pool, "charts", SIGNED_CHART_COLUMNS, extra.1).await;
    // Sixteen open charts, one per writer of the save test.
    let mut open = Vec::new();
    for w in 0..16usize {
        // Clients of their own, away from the history test's client 0, whatever the size.
        let c = (1000 + w) % clients;
        let client = format!("bench-client-{c:07}");
        let (start, end) = time_of(sessions + 1000 + w);
        let (appointment, chart) = (
            format!("bench-appt-open{w:02}"),
            format!("bench-chart-open{w:02}"),
        );
        bulk(
            pool,
            "appointments",
            APPOINTMENT_COLUMNS,
            vec![vec![
                json!(appointment),
                json!(client),
                json!(format!("bench-intake-{c:07}")),
                json!(owner_id),
                json!(room_id),
                json!(device_id),
                json!(start),
                json!(end),
                json!("[\"forehead\",\"cheeks\"]"),
                json!("checked_in"),
                json!(2),
                json!(owner_id),
                json!(now),
                json!(now),
            ]],
        )
        .await;
        bulk(
            pool,
            "charts",
            "id, appointment_id, client_id, chart_json, version, created_at, updated_at",
            vec![vec![
                json!(chart),
                json!(appointment),
                json!(client),
                json!("{}"),
                json!(1),
                json!(now),
                json!(now),
            ]],
        )
        .await;
        open.push(chart);
    }
    Seeded {
        clients,
        sessions,
        open,
    }
}
