//! `needlepoint demo` seeds a believable clinic through the real use cases: clients in every
//! state and a treatment day a practitioner can run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

use std::sync::Arc;

use needlepoint_app::{ClinicConfig, Context, ManualClock};
use needlepoint_domain::plan::Decision;
use needlepoint_domain::protocol::Protocol;
use needlepoint_store::{AppointmentFilter, AppointmentStatus, AuditFilter, ClientQuery};

#[tokio::test]
async fn the_demo_has_clients_in_every_state_and_a_treatment_day() {
    let db = needlepoint_store_conformance::fresh_from_env().await.unwrap();
    let store = db.store.clone();
    let config = ClinicConfig {
        time_zone: Some("Europe/London".into()),
        ..ClinicConfig::default()
    };
    let ctx = Context::start(store.clone(), Arc::new(Protocol::embedded().unwrap()), config)
        .await
        .unwrap()
        .with_clock(Arc::new(ManualClock::new(
            "2026-12-01T07:30:00Z".parse().unwrap(),
        )));
    let logins = needlepoint_app::demo::seed(&ctx).await.unwrap();
    assert_eq!(logins.len(), 3);

    assert_eq!(store.count_clients().await.unwrap(), 30);
    let clients = store
        .search_clients(&ClientQuery {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut decisions = Vec::new();
    for client in &clients {
        for intake in store.intakes_for_client(&client.id).await.unwrap() {
            decisions.push(intake.decision);
        }
    }
    for decision in [
        Decision::Proceed,
        Decision::ProceedWithPrecautions,
        Decision::Defer,
    ] {
        assert!(
            decisions.contains(&decision),
            "a client with {decision:?}: {decisions:?}"
        );
    }

    let all = store.appointments(&AppointmentFilter::default()).await.unwrap();
    let done: Vec<_> = all
        .iter()
        .filter(|a| a.status == AppointmentStatus::Done)
        .collect();
    let booked = all
        .iter()
        .filter(|a| a.status == AppointmentStatus::Booked)
        .count();
    assert_eq!(done.len(), 1, "one session charted and signed: {all:?}");
    assert!(
        booked >= 3,
        "the rest of the day and the next sessions are booked: {all:?}"
    );
    let chart = store.chart_for_appointment(&done[0].id).await.unwrap().unwrap();
    assert!(chart.signed_at.is_some());
    let recall = store.lot_trace("CART-24117").await.unwrap();
    assert_eq!(recall.len(), 1);
    assert_eq!(recall[0].client_id, done[0].client_id);

    let audit = store
        .audit_entries(&AuditFilter {
            client_id: None,
            user_id: None,
            limit: 1000,
        })
        .await
        .unwrap();
    assert!(
        audit.iter().any(|e| e.action == "chart.sign"),
        "the signature is audited"
    );
}
