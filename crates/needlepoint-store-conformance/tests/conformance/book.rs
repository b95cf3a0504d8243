//! The appointment book and the treatment-room chart.

use needlepoint_store::*;
use needlepoint_store_conformance::TestStore;

use crate::support::*;

#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
pub async fn bookings_that_overlap_clash_and_cancelled_ones_do_not(t: TestStore) {
    let store = t.store.as_ref();
    let c = clinic(store).await;
    let first = book(store, &c, "2026-12-02T10:00:00", "2026-12-02T11:00:00").await;
    assert_eq!(
        first.starts_utc,
        Some("2026-12-02T10:00:00Z".parse().unwrap()),
        "the instant is kept"
    );
    let overlap = store
        .book(
            booking(&c, "2026-12-02T10:30:00", "2026-12-02T11:30:00"),
            audit(AuditAction::AppointmentBook, Some(&c.client.id)),
        )
        .await;
    let Err(StoreError::Clash(clashes)) = overlap else {
        panic!("expected a clash: {overlap:?}")
    };
    assert_eq!(clashes.len(), 3, "practitioner, room and device: {clashes:?}");
    assert!(clashes.iter().any(|c| c.contains("SN-1")));
    // Back to back is not an overlap.
    let next = book(store, &c, "2026-12-02T11:00:00", "2026-12-02T12:00:00").await;
    let change = |id: &AppointmentId, status, reason: Option<&str>, new_time| AppointmentChange {
        id: id.clone(),
        expected_version: 1,
        status,
        reason: reason.map(str::to_string),
        new_time,
        new_intake_id: None,
        updated_at: at(),
    };
    let moved = store
        .change_appointment(
            change(
                &next.id,
                AppointmentStatus::Booked,
                None,
                Some(session("2026-12-02T10:15:00", "2026-12-02T10:45:00")),
            ),
            audit(AuditAction::AppointmentReschedule, Some(&c.client.id)),
        )
        .await;
    assert!(matches!(moved, Err(StoreError::Clash(_))), "{moved:?}");
    let cancelled = store
        .change_appointment(
            change(&first.id, AppointmentStatus::Cancelled, Some("client ill"), None),
            audit(AuditAction::AppointmentCancel, Some(&c.client.id)),
        )
        .await
        .unwrap();
    assert_eq!(
        (cancelled.status, cancelled.version),
        (AppointmentStatus::Cancelled, 2)
    );
    assert_eq!(
        cancelled.starts_utc, first.starts_utc,
        "a status change keeps the time"
    );
    book(store, &c, "2026-12-02T10:00:00", "2026-12-02T11:00:00").await;
    let day = AppointmentFilter {
        from: Some(time("2026-12-02T00:00:00")),
        to: Some(time("2026-12-03T00:00:00")),
        room_id: Some(c.room.id.clone()),
        ..AppointmentFilter::default()
    };
    let listed: Vec<_> = store
        .appointments(&day)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.starts_at, a.status))
        .collect();
    assert_eq!(listed.len(), 3);
    assert_eq!(
        listed[2],
        (time("2026-12-02T11:00:00"), AppointmentStatus::Booked)
    );
    let elsewhere = AppointmentFilter {
        room_id: Some(RoomId::new()),
        ..day
    };
    assert!(store.appointments(&elsewhere).await.unwrap().is_empty());
    assert_eq!(
        store
            .appointments(&AppointmentFilter::client(&c.client.id))
            .await
            .unwrap()
            .len(),
        3
    );
}

#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
pub async fn a_signed_chart_never_changes_and_takes_amendments(t: TestStore) {
    let store = t.store.as_ref();
    let c = clinic(store).await;
    let about = Some(&c.client.id);
    let appointment = book(store, &c, "2026-12-02T10:00:00", "2026-12-02T11:00:00").await;
    let (check_in, chart) = arrival(&appointment);
    let (checked_in, chart) = store
        .check_in(
            check_in.clone(),
            chart.clone(),
            audit(AuditAction::AppointmentCheckIn, about),
        )
        .await
        .unwrap();
    let reopened = arrival(&appointment).1;
    assert_eq!(checked_in.status, AppointmentStatus::CheckedIn);
    let save = |version: i64, notes: &str| {
        store.save_chart(
            &chart.id,
            version,
            noted(notes),
            at(),
            audit(AuditAction::ChartSave, about),
        )
    };
    let saved = save(1, "three passes").await.unwrap();
    assert_eq!((saved.version, saved.chart.notes.as_str()), (2, "three passes"));
    let stale = save(1, "nine passes").await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { current: 2 })),
        "{stale:?}"
    );
    let amendment = |reason: &str, text: &str| Amendment {
        id: AmendmentId::new(),
        chart_id: chart.id.clone(),
        author_id: c.practitioner.id.clone(),
        reason: reason.into(),
        text: text.into(),
        created_at: at(),
    };
    let early = store
        .add_amendment(amendment("typo", "x"), audit(AuditAction::ChartAmend, about))
        .await;
    assert!(matches!(early, Err(StoreError::Frozen(_))), "{early:?}");
    let cosigned = store
        .cosign_chart(
            &chart.id,
            2,
            &c.practitioner.id,
            at(),
            audit(AuditAction::ChartCosign, about),
        )
        .await
        .unwrap();
    assert_eq!(cosigned.cosigned_by.as_ref(), Some(&c.practitioner.id));
    let signed = store
        .sign_chart(
            ChartSignature {
                chart_id: chart.id.clone(),
                expected_version: cosigned.version,
                signed_by: c.practitioner.id.clone(),
                signed_at: at(),
                used_on: day("2026-12-02"),
                lots: vec![LotUse {
                    lot: " LOT-42a ".into(),
                    kind: LotKind::Cartridge,
                    product: "12-pin cartridge".into(),
                }],
            },
            audit(AuditAction::ChartSign, about),
        )
        .await
        .unwrap();
    assert_eq!(signed.signed_by.as_ref(), Some(&c.practitioner.id));
    let after = save(signed.version, "four passes").await;
    assert!(matches!(after, Err(StoreError::Frozen(_))), "{after:?}");
    assert_eq!(store.chart(&chart.id).await.unwrap(), Some(signed.clone()));
    let added = store
        .add_amendment(
            amendment("miscounted", "Four passes, not three"),
            audit(AuditAction::ChartAmend, about),
        )
        .await
        .unwrap();
    assert_eq!(store.amendments(&chart.id).await.unwrap(), [added]);
    assert_eq!(
        store.amended_charts(&c.client.id).await.unwrap(),
        std::slice::from_ref(&chart.id)
    );
    let traced = store.lot_trace("lot-42A").await.unwrap();
    assert_eq!(traced.len(), 1, "lots match whatever the case");
    assert_eq!(
        (traced[0].lot.as_str(), traced[0].given_name.as_str()),
        ("LOT-42a", "Ana")
    );
    assert_eq!(
        (traced[0].kind, traced[0].used_on),
        (LotKind::Cartridge, day("2026-12-02"))
    );
    assert_eq!(
        store.appointment(&appointment.id).await.unwrap().unwrap().status,
        AppointmentStatus::Done
    );
    assert_eq!(
        store.chart_for_appointment(&appointment.id).await.unwrap(),
        Some(signed.clone())
    );
    assert_eq!(store.charts_for_client(&c.client.id).await.unwrap(), [signed]);
    let again = store
        .check_in(check_in, reopened, audit(AuditAction::AppointmentCheckIn, about))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
}
