//! Intakes and plans, consents, the owner's resources, settings and aftercare links.

use needlepoint_domain::plan::Decision;
use needlepoint_store::*;
use needlepoint_store_conformance::TestStore;
use serde_json::json;

use crate::support::*;

pub async fn intakes_are_numbered_per_client_and_read_back_typed(t: TestStore) {
    let store = t.store.as_ref();
    let practitioner = user(store, "pat@clinic.test", Role::Practitioner).await;
    let (a, b) = (
        client(store, "Ana", "Silva").await,
        client(store, "Bea", "Costa").await,
    );
    let first = intake(store, &a, &practitioner).await;
    let second = intake(store, &a, &practitioner).await;
    let other = intake(store, &b, &practitioner).await;
    assert_eq!((first.number, second.number, other.number), (1, 2, 1));
    let numbers: Vec<_> = store
        .intakes_for_client(&a.id)
        .await
        .unwrap()
        .iter()
        .map(|i| i.number)
        .collect();
    assert_eq!(numbers, [2, 1]);
    // The plan reads back as the very plan the engine made, decision and all.
    let read = store.intake(&first.id).await.unwrap().unwrap();
    assert_eq!(read, first);
    assert_eq!(read.plan, plan().1);
    assert_eq!(read.decision, Decision::Proceed);
    let change = NewDepthOverride {
        id: DepthOverrideId::new(),
        intake_id: first.id.clone(),
        zone: "cheeks".into(),
        planned_hundredths: 75,
        outside_bounds: true,
        reason: Some("thin skin over the cheekbone".into()),
        created_by: practitioner.id.clone(),
        created_at: at(),
    };
    let stored = store
        .add_depth_override(change, audit(AuditAction::DepthOverride, Some(&a.id)))
        .await
        .unwrap();
    assert_eq!(store.depth_overrides(&first.id).await.unwrap(), [stored]);
}

pub async fn consent_texts_are_versioned_and_consents_withdrawn_once(t: TestStore) {
    let store = t.store.as_ref();
    let practitioner = user(store, "pat@clinic.test", Role::Practitioner).await;
    let c = client(store, "Ana", "Silva").await;
    let template = |body: &str| NewConsentTemplate {
        id: TemplateId::new(),
        kind: ConsentKind::Photo,
        title: "Photo consent".into(),
        body: body.into(),
        created_at: at(),
    };
    let v1 = store
        .ensure_consent_template(template("first text"))
        .await
        .unwrap();
    let same = store
        .ensure_consent_template(template("first text"))
        .await
        .unwrap();
    assert_eq!((v1.version, &same.id), (1, &v1.id));
    let v2 = store
        .ensure_consent_template(template("second text"))
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(
        store.current_consent_template(ConsentKind::Photo).await.unwrap(),
        Some(v2.clone())
    );
    assert_eq!(
        store
            .current_consent_template(ConsentKind::Treatment)
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.consent_template(&v1.id).await.unwrap(), Some(v1.clone()));
    let consent = store
        .add_consent(
            NewConsent {
                id: ConsentId::new(),
                client_id: c.id.clone(),
                template_id: v2.id.clone(),
                scopes: vec![PhotoScope::ClinicalRecord, PhotoScope::Teaching],
                signer_name: "Ana Silva".into(),
                signature_svg: Some("M1 1 L2 2".into()),
                witness_user_id: practitioner.id.clone(),
                signed_at: at(),
            },
            audit(AuditAction::ConsentSign, Some(&c.id)),
        )
        .await
        .unwrap();
    assert_eq!(
        (consent.template_version, consent.text_sha256.as_str()),
        (2, v2.sha256.as_str())
    );
    assert_eq!(consent.scopes, [PhotoScope::ClinicalRecord, PhotoScope::Teaching]);
    assert!(consent.has_drawn_signature && consent.kind == ConsentKind::Photo);
    let withdrawal = ConsentWithdrawal {
        consent_id: consent.id.clone(),
        withdrawn_by: practitioner.id.clone(),
        reason: "changed her mind".into(),
        withdrawn_at: at(),
    };
    let withdraw =
        |w: ConsentWithdrawal| store.withdraw_consent(w, audit(AuditAction::ConsentWithdraw, Some(&c.id)));
    let withdrawn = withdraw(withdrawal.clone()).await.unwrap();
    assert!(!withdrawn.is_valid());
    let twice = withdraw(withdrawal).await;
    assert!(matches!(twice, Err(StoreError::Conflict { .. })), "{twice:?}");
    assert_eq!(
        store.consents_for_client(&c.id).await.unwrap(),
        std::slice::from_ref(&withdrawn)
    );
    assert_eq!(store.consent(&consent.id).await.unwrap(), Some(withdrawn));
}

pub async fn rooms_devices_and_the_formulary_refuse_duplicates(t: TestStore) {
    let store = t.store.as_ref();
    let c = clinic(store).await;
    let room = store
        .create_room(
            Room {
                id: RoomId::new(),
                name: "ROOM 1".into(),
                created_at: at(),
            },
            audit(AuditAction::RoomCreate, None),
        )
        .await;
    assert!(
        matches!(&room, Err(StoreError::Duplicate(m)) if m.contains("ROOM 1")),
        "{room:?}"
    );
    let mut device = c.device.clone();
    device.id = DeviceId::new();
    let device = store
        .create_device(device, audit(AuditAction::DeviceCreate, None))
        .await;
    assert!(
        matches!(&device, Err(StoreError::Duplicate(m)) if m.contains("SN-1")),
        "{device:?}"
    );
    let item = |name: &str, use_for| FormularyItem {
        id: FormularyItemId::new(),
        name: name.into(),
        use_for,
        created_at: at(),
    };
    let add = |i: FormularyItem| store.add_formulary_item(i, audit(AuditAction::FormularyAdd, None));
    add(item("hyaluronic serum", FormularyUse::Glide)).await.unwrap();
    add(item("Calming balm", FormularyUse::PostProcedure))
        .await
        .unwrap();
    let again = add(item("Hyaluronic SERUM", FormularyUse::Glide)).await;
    assert!(matches!(again, Err(StoreError::Duplicate(_))), "{again:?}");
    let listed: Vec<_> = store
        .formulary()
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.name, i.use_for))
        .collect();
    assert_eq!(
        listed,
        [
            ("hyaluronic serum".to_string(), FormularyUse::Glide),
            ("Calming balm".to_string(), FormularyUse::PostProcedure)
        ]
    );
    assert_eq!(store.rooms().await.unwrap(), [c.room]);
    assert_eq!(store.devices().await.unwrap(), [c.device]);
    let licence = Licence {
        user_id: c.practitioner.id.clone(),
        licence_type: "aesthetician".into(),
        max_depth_hundredths: 50,
        updated_at: at(),
    };
    let set = |l: Licence| store.set_licence(l, audit(AuditAction::LicenceSet, None));
    set(licence.clone()).await.unwrap();
    let raised = Licence {
        max_depth_hundredths: 150,
        ..licence
    };
    set(raised.clone()).await.unwrap();
    assert_eq!(store.licence(&c.practitioner.id).await.unwrap(), Some(raised));
}

pub async fn settings_and_aftercare_links(t: TestStore) {
    let store = t.store.as_ref();
    assert_eq!(store.setting("opening_hours").await.unwrap(), None);
    for value in [json!({"mon": "09:00-17:00"}), json!({"tue": "10:00-18:00"})] {
        store
            .set_setting(
                "opening_hours",
                value,
                at(),
                audit(AuditAction::SettingsChange, None),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        store.setting("opening_hours").await.unwrap(),
        Some(json!({"tue": "10:00-18:00"}))
    );
    let c = clinic(store).await;
    let appointment = book(store, &c, "2026-12-02T10:00:00", "2026-12-02T11:00:00").await;
    let (check_in, chart) = arrival(&appointment);
    let (_, chart) = store
        .check_in(
            check_in,
            chart,
            audit(AuditAction::AppointmentCheckIn, Some(&c.client.id)),
        )
        .await
        .unwrap();
    store
        .add_aftercare_link(
            AftercareLink {
                token_hash: "token-hash".into(),
                chart_id: chart.id.clone(),
                expires_at_unix: 99,
                created_by: c.practitioner.id.clone(),
                created_at: at(),
            },
            audit(AuditAction::AftercareLink, Some(&c.client.id)),
        )
        .await
        .unwrap();
    let link = store.aftercare_link("token-hash").await.unwrap().unwrap();
    assert_eq!((link.chart_id, link.expires_at_unix), (chart.id, 99));
    assert!(store.aftercare_link("other").await.unwrap().is_none());
}
