//! The storage suite: every engine passes the same tests. SQLite always runs; PostgreSQL runs when
//! `NEEDLEPOINT_TEST_PG_URL` is set (each test in a database of its own, dropped afterwards).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests: a panic is a failing test

use std::sync::Arc;

use needlepoint_store::*;
use needlepoint_store_conformance::{Engine, TestStore, fresh, postgres_server};
use serde_json::json;

/// Each test, once per engine: `sqlite::name` and `postgres::name`.
macro_rules! on_every_engine {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::fresh(super::Engine::Sqlite).await.unwrap()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Err(why) = super::postgres_server() {
                        println!("{why}");
                        return;
                    }
                    super::$name(super::fresh(super::Engine::Postgres).await.unwrap()).await;
                }
            )*
        }
    };
}

on_every_engine!(
    users_are_unique_by_email_whatever_the_case,
    sessions_and_setup_tokens,
    client_edits_need_the_current_version,
    client_search_by_name_phone_email_and_birth_date,
    intakes_are_numbered_per_client_and_keep_their_overrides,
    consent_texts_are_versioned_and_consents_withdrawn_once,
    rooms_devices_and_the_formulary_refuse_duplicates,
    bookings_that_overlap_clash_and_cancelled_ones_do_not,
    a_signed_chart_never_changes_and_takes_amendments,
    settings_and_aftercare_links,
    concurrent_edits_give_one_success_and_conflicts,
    concurrent_writes_keep_one_valid_audit_chain,
    every_audited_write_is_in_the_chain,
    a_copy_to_either_engine_holds_every_row,
);

const AT: &str = "2026-11-30T09:00:00Z";

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn audit(action: &str, client_id: Option<&str>) -> NewAuditEntry {
    NewAuditEntry {
        at: AT.into(),
        user_id: None,
        client_id: client_id.map(str::to_string),
        action: action.into(),
        outcome: "ok".into(),
        detail: String::new(),
    }
}

async fn user(store: &dyn Store, email: &str, role: Role) -> User {
    store
        .create_user(
            NewUser {
                id: id(),
                email: email.into(),
                role,
                password_hash: "not-a-real-hash".into(),
                created_at: AT.into(),
            },
            audit("user.create", None),
        )
        .await
        .unwrap()
}

fn fields(given: &str, family: &str, phone: Option<&str>, email: Option<&str>) -> ClientFields {
    ClientFields {
        given_name: given.into(),
        family_name: family.into(),
        birth_date: "1990-04-12".into(),
        email: email.map(str::to_string),
        phone: phone.map(str::to_string),
    }
}

async fn client(store: &dyn Store, given: &str, family: &str) -> Client {
    let id = id();
    store
        .create_client(
            fields(given, family, None, None),
            audit("client.create", Some(&id)),
        )
        .await
        .unwrap()
}

async fn intake(store: &dyn Store, client: &Client, by: &User) -> IntakeRecord {
    store
        .add_intake(
            NewIntake {
                id: id(),
                client_id: client.id.clone(),
                intake: json!({"zones": ["cheeks"]}),
                plan: json!({"sessions": 3}),
                decision: "proceed".into(),
                protocol_version: "test".into(),
                created_by: by.id.clone(),
                created_at: AT.into(),
            },
            audit("intake.create", Some(&client.id)),
        )
        .await
        .unwrap()
}

/// A practitioner, a room, a device, a client with an intake: what a booking needs.
struct Clinic {
    practitioner: User,
    room: Room,
    device: Device,
    client: Client,
    intake: IntakeRecord,
}

async fn clinic(store: &dyn Store) -> Clinic {
    let practitioner = user(store, "pat@clinic.test", Role::Practitioner).await;
    let room = store
        .create_room(
            Room {
                id: id(),
                name: "Room 1".into(),
                created_at: AT.into(),
            },
            audit("room.create", None),
        )
        .await
        .unwrap();
    let device = store
        .create_device(
            Device {
                id: id(),
                name: "Pen A".into(),
                model: "Pen".into(),
                serial: "SN-1".into(),
                min_hundredths: 25,
                max_hundredths: 250,
                labelled_limits: String::new(),
                last_serviced_on: None,
                service_due_on: None,
                created_at: AT.into(),
            },
            audit("device.create", None),
        )
        .await
        .unwrap();
    let client = client(store, "Ana", "Silva").await;
    let intake = intake(store, &client, &practitioner).await;
    Clinic {
        practitioner,
        room,
        device,
        client,
        intake,
    }
}

fn booking(c: &Clinic, starts_at: &str, ends_at: &str) -> NewAppointment {
    NewAppointment {
        id: id(),
        client_id: c.client.id.clone(),
        intake_id: c.intake.id.clone(),
        practitioner_id: c.practitioner.id.clone(),
        room_id: c.room.id.clone(),
        device_id: c.device.id.clone(),
        starts_at: starts_at.into(),
        ends_at: ends_at.into(),
        clash_window_start: "2026-12-01T00:00:00".into(),
        zones: vec!["cheeks".into()],
        early_reason: None,
        created_by: c.practitioner.id.clone(),
        created_at: AT.into(),
    }
}

/// Checking in a booked appointment (version 1) and the empty chart it opens.
fn arrival(appointment: &Appointment) -> (AppointmentChange, ChartRecord) {
    let change = AppointmentChange {
        id: appointment.id.clone(),
        expected_version: 1,
        status: AppointmentStatus::CheckedIn,
        reason: None,
        new_time: None,
        new_intake_id: None,
        updated_at: AT.into(),
    };
    let chart = ChartRecord {
        id: id(),
        appointment_id: appointment.id.clone(),
        client_id: appointment.client_id.clone(),
        chart: json!({}),
        version: 1,
        cosigned_by: None,
        cosigned_at: None,
        signed_by: None,
        signed_at: None,
        created_at: AT.into(),
        updated_at: AT.into(),
    };
    (change, chart)
}

async fn chain_is_valid(store: &dyn Store) -> usize {
    let chain = store.audit_chain().await.unwrap();
    audit::verify(&chain).unwrap_or_else(|e| panic!("audit chain broken: {e}"))
}

async fn users_are_unique_by_email_whatever_the_case(t: TestStore) {
    let store = t.store.as_ref();
    let owner = user(store, "Owner@Clinic.test", Role::Owner).await;
    let again = store
        .create_user(
            NewUser {
                id: id(),
                email: "owner@clinic.TEST".into(),
                role: Role::Owner,
                password_hash: "x".into(),
                created_at: AT.into(),
            },
            audit("user.create", None),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Duplicate(_))), "{again:?}");
    let found = store.user_by_email("owner@clinic.test").await.unwrap().unwrap();
    assert_eq!(found, owner);
    assert_eq!(store.user_by_id(&owner.id).await.unwrap(), Some(owner.clone()));
    user(store, "desk@clinic.test", Role::FrontDesk).await;
    let emails: Vec<_> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    assert_eq!(emails, ["desk@clinic.test", "Owner@Clinic.test"]);
    assert_eq!(store.count_users().await.unwrap(), 2);
    assert_eq!(
        chain_is_valid(store).await,
        2,
        "a failed write leaves no audit entry"
    );
}

async fn sessions_and_setup_tokens(t: TestStore) {
    let store = t.store.as_ref();
    let owner = user(store, "owner@clinic.test", Role::Owner).await;
    store
        .create_session(NewSession {
            token_hash: "hash-1".into(),
            user_id: owner.id.clone(),
            csrf_token: "csrf".into(),
            created_at: 1_000,
        })
        .await
        .unwrap();
    store.touch_session("hash-1", 1_500).await.unwrap();
    let (session, who) = store.session("hash-1").await.unwrap().unwrap();
    assert_eq!(
        (session.created_at, session.last_seen_at, who.id),
        (1_000, 1_500, owner.id)
    );
    assert_eq!(session.csrf_token, "csrf");
    store.delete_session("hash-1").await.unwrap();
    assert!(store.session("hash-1").await.unwrap().is_none());

    store.create_setup_token("setup", 10_000).await.unwrap();
    assert!(
        !store.consume_setup_token("setup", 20_000, 3_600).await.unwrap(),
        "expired"
    );
    assert!(store.consume_setup_token("setup", 10_100, 3_600).await.unwrap());
    assert!(
        !store.consume_setup_token("setup", 10_200, 3_600).await.unwrap(),
        "used once"
    );
    assert!(!store.consume_setup_token("other", 10_100, 3_600).await.unwrap());
}

async fn client_edits_need_the_current_version(t: TestStore) {
    let store = t.store.as_ref();
    let c = client(store, "Ana", "Silva").await;
    assert_eq!(c.version, 1);
    let edited = store
        .update_client(
            &c.id,
            1,
            fields("Ana", "Silva Costa", Some("+44 7700 900123"), None),
            audit("client.update", Some(&c.id)),
        )
        .await
        .unwrap();
    assert_eq!(
        (edited.version, edited.fields.family_name.as_str()),
        (2, "Silva Costa")
    );
    let stale = store
        .update_client(
            &c.id,
            1,
            fields("X", "Y", None, None),
            audit("client.update", Some(&c.id)),
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { current: 2 })),
        "{stale:?}"
    );
    let missing = store
        .update_client(
            "nobody",
            1,
            fields("X", "Y", None, None),
            audit("client.update", None),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let archived = store
        .archive_client(&c.id, 2, audit("client.archive", Some(&c.id)))
        .await
        .unwrap();
    assert!(archived.archived && archived.version == 3);
    assert_eq!(store.client(&c.id).await.unwrap(), Some(archived));
    assert_eq!(store.count_clients().await.unwrap(), 1);
    assert_eq!(
        chain_is_valid(store).await,
        3,
        "create, update and archive; not the refusals"
    );
}

async fn client_search_by_name_phone_email_and_birth_date(t: TestStore) {
    let store = t.store.as_ref();
    for (given, family, phone, email) in [
        ("Ana", "Silva", Some("+44 7700 900123"), Some("ana@example.com")),
        ("Ana Maria", "Santos", Some("07700 900456"), None),
        ("Bruno", "Silveira", None, Some("Bruno@Example.com")),
        ("Zoe", "Ávila", None, None),
    ] {
        let id = id();
        store
            .create_client(
                fields(given, family, phone, email),
                audit("client.create", Some(&id)),
            )
            .await
            .unwrap();
    }
    let search = |text: &str| {
        let query = ClientQuery {
            text: text.into(),
            include_archived: false,
            limit: 50,
        };
        async move {
            store
                .search_clients(&query)
                .await
                .unwrap()
                .into_iter()
                .map(|c| format!("{} {}", c.fields.given_name, c.fields.family_name))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("silv").await, ["Ana Silva", "Bruno Silveira"]);
    assert_eq!(search("ana").await, ["Ana Maria Santos", "Ana Silva"]);
    assert_eq!(search("silva ana").await, ["Ana Silva"]);
    assert_eq!(search("ana s").await, ["Ana Maria Santos", "Ana Silva"]);
    assert_eq!(search("900123").await, ["Ana Silva"]);
    assert_eq!(search("07700 900456").await, ["Ana Maria Santos"]);
    assert_eq!(search("bruno@example.com").await, ["Bruno Silveira"]);
    assert_eq!(search("1990-04-12").await.len(), 4);
    assert_eq!(search("ávila").await, ["Zoe Ávila"]);
    assert_eq!(
        search("").await.first().map(String::as_str),
        Some("Ana Maria Santos")
    );
    assert!(search("nobody").await.is_empty());
}

async fn intakes_are_numbered_per_client_and_keep_their_overrides(t: TestStore) {
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
    assert_eq!(store.intake(&first.id).await.unwrap(), Some(first.clone()));
    let change = NewDepthOverride {
        id: id(),
        intake_id: first.id.clone(),
        zone: "forehead".into(),
        planned_hundredths: 75,
        outside_bounds: true,
        reason: Some("thin skin at the temples".into()),
        created_by: practitioner.id.clone(),
        created_at: AT.into(),
    };
    let stored = store
        .add_depth_override(change, audit("plan.override", Some(&a.id)))
        .await
        .unwrap();
    assert_eq!(store.depth_overrides(&first.id).await.unwrap(), [stored]);
}

async fn consent_texts_are_versioned_and_consents_withdrawn_once(t: TestStore) {
    let store = t.store.as_ref();
    let practitioner = user(store, "pat@clinic.test", Role::Practitioner).await;
    let c = client(store, "Ana", "Silva").await;
    let template = |body: &str| NewConsentTemplate {
        id: id(),
        kind: ConsentKind::Treatment,
        title: "Treatment consent".into(),
        body: body.into(),
        created_at: AT.into(),
    };
    let v1 = store
        .ensure_consent_template(template("first text"))
        .await
        .unwrap();
    let same = store
        .ensure_consent_template(template("first text"))
        .await
        .unwrap();
    assert_eq!((v1.version, same.id.as_str()), (1, v1.id.as_str()));
    let v2 = store
        .ensure_consent_template(template("second text"))
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(
        store
            .current_consent_template(ConsentKind::Treatment)
            .await
            .unwrap(),
        Some(v2.clone())
    );
    assert_eq!(store.consent_template(&v1.id).await.unwrap(), Some(v1.clone()));
    let consent = store
        .add_consent(
            NewConsent {
                id: id(),
                client_id: c.id.clone(),
                template_id: v2.id.clone(),
                scopes: vec!["clinical_record".into()],
                signer_name: "Ana Silva".into(),
                signature_svg: None,
                witness_user_id: practitioner.id.clone(),
                signed_at: AT.into(),
            },
            audit("consent.sign", Some(&c.id)),
        )
        .await
        .unwrap();
    assert_eq!(
        (consent.template_version, consent.text_sha256.as_str()),
        (2, v2.sha256.as_str())
    );
    let withdrawal = ConsentWithdrawal {
        consent_id: consent.id.clone(),
        withdrawn_by: practitioner.id.clone(),
        reason: "changed her mind".into(),
        withdrawn_at: AT.into(),
    };
    let withdrawn = store
        .withdraw_consent(withdrawal.clone(), audit("consent.withdraw", Some(&c.id)))
        .await
        .unwrap();
    assert!(!withdrawn.is_valid());
    let twice = store
        .withdraw_consent(withdrawal, audit("consent.withdraw", Some(&c.id)))
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict { .. })), "{twice:?}");
    assert_eq!(store.consents_for_client(&c.id).await.unwrap(), [withdrawn]);
}

async fn rooms_devices_and_the_formulary_refuse_duplicates(t: TestStore) {
    let store = t.store.as_ref();
    let c = clinic(store).await;
    let room = store
        .create_room(
            Room {
                id: id(),
                name: "ROOM 1".into(),
                created_at: AT.into(),
            },
            audit("room.create", None),
        )
        .await;
    assert!(
        matches!(&room, Err(StoreError::Duplicate(m)) if m.contains("ROOM 1")),
        "{room:?}"
    );
    let mut device = c.device.clone();
    device.id = id();
    let device = store.create_device(device, audit("device.create", None)).await;
    assert!(
        matches!(&device, Err(StoreError::Duplicate(m)) if m.contains("SN-1")),
        "{device:?}"
    );
    let item = |name: &str| FormularyItem {
        id: id(),
        name: name.into(),
        use_for: "glide".into(),
        created_at: AT.into(),
    };
    store
        .add_formulary_item(item("Hyaluronic serum"), audit("formulary.add", None))
        .await
        .unwrap();
    let again = store
        .add_formulary_item(item("hyaluronic SERUM"), audit("formulary.add", None))
        .await;
    assert!(matches!(again, Err(StoreError::Duplicate(_))), "{again:?}");
    assert_eq!(store.formulary().await.unwrap().len(), 1);
    assert_eq!(store.rooms().await.unwrap(), [c.room]);
    assert_eq!(store.devices().await.unwrap(), [c.device]);
    let licence = Licence {
        user_id: c.practitioner.id.clone(),
        licence_type: "aesthetician".into(),
        max_depth_hundredths: 50,
        updated_at: AT.into(),
    };
    store
        .set_licence(licence.clone(), audit("licence.set", None))
        .await
        .unwrap();
    let raised = Licence {
        max_depth_hundredths: 150,
        ..licence
    };
    store
        .set_licence(raised.clone(), audit("licence.set", None))
        .await
        .unwrap();
    assert_eq!(store.licence(&c.practitioner.id).await.unwrap(), Some(raised));
}

async fn bookings_that_overlap_clash_and_cancelled_ones_do_not(t: TestStore) {
    let store = t.store.as_ref();
    let c = clinic(store).await;
    let first = store
        .book(
            booking(&c, "2026-12-02T10:00:00", "2026-12-02T11:00:00"),
            audit("book", Some(&c.client.id)),
        )
        .await
        .unwrap();
    let overlap = store
        .book(
            booking(&c, "2026-12-02T10:30:00", "2026-12-02T11:30:00"),
            audit("book", Some(&c.client.id)),
        )
        .await;
    let Err(StoreError::Clash(clashes)) = overlap else {
        panic!("expected a clash: {overlap:?}")
    };
    assert_eq!(clashes.len(), 3, "practitioner, room and device: {clashes:?}");
    assert!(clashes.iter().any(|c| c.contains("SN-1")));
    // Back to back is not an overlap.
    let next = store
        .book(
            booking(&c, "2026-12-02T11:00:00", "2026-12-02T12:00:00"),
            audit("book", Some(&c.client.id)),
        )
        .await
        .unwrap();
    let moved = store
        .change_appointment(
            AppointmentChange {
                id: next.id.clone(),
                expected_version: 1,
                status: AppointmentStatus::Booked,
                reason: None,
                new_time: Some((
                    "2026-12-02T10:15:00".into(),
                    "2026-12-02T10:45:00".into(),
                    "2026-12-01T00:00:00".into(),
                )),
                new_intake_id: None,
                updated_at: AT.into(),
            },
            audit("reschedule", Some(&c.client.id)),
        )
        .await;
    assert!(matches!(moved, Err(StoreError::Clash(_))), "{moved:?}");
    let cancelled = store
        .change_appointment(
            AppointmentChange {
                id: first.id.clone(),
                expected_version: 1,
                status: AppointmentStatus::Cancelled,
                reason: Some("client ill".into()),
                new_time: None,
                new_intake_id: None,
                updated_at: AT.into(),
            },
            audit("cancel", Some(&c.client.id)),
        )
        .await
        .unwrap();
    assert_eq!(
        (cancelled.status, cancelled.version),
        (AppointmentStatus::Cancelled, 2)
    );
    store
        .book(
            booking(&c, "2026-12-02T10:00:00", "2026-12-02T11:00:00"),
            audit("book", Some(&c.client.id)),
        )
        .await
        .unwrap();
    let day = AppointmentFilter {
        from: "2026-12-02T00:00:00".into(),
        to: "2026-12-03T00:00:00".into(),
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
        ("2026-12-02T11:00:00".to_string(), AppointmentStatus::Booked)
    );
    let elsewhere = AppointmentFilter {
        room_id: Some("another room".into()),
        ..day
    };
    assert!(store.appointments(&elsewhere).await.unwrap().is_empty());
}

async fn a_signed_chart_never_changes_and_takes_amendments(t: TestStore) {
    let store = t.store.as_ref();
    let c = clinic(store).await;
    let appointment = store
        .book(
            booking(&c, "2026-12-02T10:00:00", "2026-12-02T11:00:00"),
            audit("book", Some(&c.client.id)),
        )
        .await
        .unwrap();
    let (check_in, chart) = arrival(&appointment);
    let (checked_in, chart) = store
        .check_in(
            check_in.clone(),
            chart.clone(),
            audit("check_in", Some(&c.client.id)),
        )
        .await
        .unwrap();
    assert_eq!(checked_in.status, AppointmentStatus::CheckedIn);
    let saved = store
        .save_chart(
            &chart.id,
            1,
            json!({"passes": 3}),
            AT,
            audit("chart.save", Some(&c.client.id)),
        )
        .await
        .unwrap();
    assert_eq!((saved.version, saved.chart["passes"].as_i64()), (2, Some(3)));
    let stale = store
        .save_chart(
            &chart.id,
            1,
            json!({"passes": 9}),
            AT,
            audit("chart.save", Some(&c.client.id)),
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { current: 2 })),
        "{stale:?}"
    );
    let early = store
        .add_amendment(
            Amendment {
                id: id(),
                chart_id: chart.id.clone(),
                author_id: c.practitioner.id.clone(),
                reason: "typo".into(),
                text: "x".into(),
                created_at: AT.into(),
            },
            audit("chart.amend", Some(&c.client.id)),
        )
        .await;
    assert!(matches!(early, Err(StoreError::Frozen(_))), "{early:?}");
    let cosigned = store
        .cosign_chart(
            &chart.id,
            2,
            &c.practitioner.id,
            AT,
            audit("chart.cosign", Some(&c.client.id)),
        )
        .await
        .unwrap();
    let signed = store
        .sign_chart(
            ChartSignature {
                chart_id: chart.id.clone(),
                expected_version: cosigned.version,
                signed_by: c.practitioner.id.clone(),
                signed_at: AT.into(),
                used_on: "2026-12-02".into(),
                lots: vec![LotUse {
                    lot: " LOT-42a ".into(),
                    kind: "cartridge".into(),
                    product: "12-pin cartridge".into(),
                }],
            },
            audit("chart.sign", Some(&c.client.id)),
        )
        .await
        .unwrap();
    assert_eq!(signed.signed_by.as_deref(), Some(c.practitioner.id.as_str()));
    let after = store
        .save_chart(
            &chart.id,
            signed.version,
            json!({"passes": 4}),
            AT,
            audit("chart.save", Some(&c.client.id)),
        )
        .await;
    assert!(matches!(after, Err(StoreError::Frozen(_))), "{after:?}");
    assert_eq!(store.chart(&chart.id).await.unwrap(), Some(signed.clone()));
    let amendment = store
        .add_amendment(
            Amendment {
                id: id(),
                chart_id: chart.id.clone(),
                author_id: c.practitioner.id.clone(),
                reason: "miscounted".into(),
                text: "Four passes, not three".into(),
                created_at: AT.into(),
            },
            audit("chart.amend", Some(&c.client.id)),
        )
        .await
        .unwrap();
    assert_eq!(store.amendments(&chart.id).await.unwrap(), [amendment]);
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
        store.appointment(&appointment.id).await.unwrap().unwrap().status,
        AppointmentStatus::Done
    );
    assert_eq!(
        store.chart_for_appointment(&appointment.id).await.unwrap(),
        Some(signed.clone())
    );
    assert_eq!(store.charts_for_client(&c.client.id).await.unwrap(), [signed]);
    let again = store
        .check_in(check_in, chart, audit("check_in", Some(&c.client.id)))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
}

async fn settings_and_aftercare_links(t: TestStore) {
    let store = t.store.as_ref();
    assert_eq!(store.setting("opening_hours").await.unwrap(), None);
    store
        .set_setting(
            "opening_hours",
            json!({"mon": "09:00-17:00"}),
            AT,
            audit("settings", None),
        )
        .await
        .unwrap();
    store
        .set_setting(
            "opening_hours",
            json!({"tue": "10:00-18:00"}),
            AT,
            audit("settings", None),
        )
        .await
        .unwrap();
    assert_eq!(
        store.setting("opening_hours").await.unwrap(),
        Some(json!({"tue": "10:00-18:00"}))
    );
    let c = clinic(store).await;
    let appointment = store
        .book(
            booking(&c, "2026-12-02T10:00:00", "2026-12-02T11:00:00"),
            audit("book", Some(&c.client.id)),
        )
        .await
        .unwrap();
    let (check_in, chart) = arrival(&appointment);
    let (_, chart) = store
        .check_in(check_in, chart, audit("check_in", Some(&c.client.id)))
        .await
        .unwrap();
    store
        .add_aftercare_link(
            AftercareLink {
                token_hash: "token-hash".into(),
                chart_id: chart.id.clone(),
                expires_at_unix: 99,
                created_by: c.practitioner.id.clone(),
                created_at: AT.into(),
            },
            audit("aftercare.link", Some(&c.client.id)),
        )
        .await
        .unwrap();
    let link = store.aftercare_link("token-hash").await.unwrap().unwrap();
    assert_eq!((link.chart_id, link.expires_at_unix), (chart.id, 99));
    assert!(store.aftercare_link("other").await.unwrap().is_none());
}

async fn concurrent_edits_give_one_success_and_conflicts(t: TestStore) {
    let store = t.store.clone();
    let c = client(store.as_ref(), "Ana", "Silva").await;
    let mut edits = Vec::new();
    for n in 0..12 {
        let (store, id) = (store.clone(), c.id.clone());
        edits.push(tokio::spawn(async move {
            store
                .update_client(
                    &id,
                    1,
                    fields("Ana", &format!("Silva {n}"), None, None),
                    audit("client.update", Some(&id)),
                )
                .await
        }));
    }
    let mut won = 0;
    for edit in edits {
        match edit.await.unwrap() {
            Ok(client) => {
                won += 1;
                assert_eq!(client.version, 2);
            }
            Err(StoreError::Conflict { current: 2 }) => {}
            Err(other) => panic!("neither a success nor a conflict: {other:?}"),
        }
    }
    assert_eq!(won, 1, "exactly one edit of version 1 wins");
    assert_eq!(store.client(&c.id).await.unwrap().unwrap().version, 2);
}

async fn concurrent_writes_keep_one_valid_audit_chain(t: TestStore) {
    // Two stores on one database, as two servers would be.
    let second: Arc<dyn Store> = match t.engine {
        Engine::Sqlite => Arc::new(
            needlepoint_store_sqlite::SqliteStore::open(&t.url, false)
                .await
                .unwrap(),
        ),
        Engine::Postgres => Arc::new(
            needlepoint_store_postgres::PgStore::open(
                &t.url,
                needlepoint_store_postgres::PgOptions::default(),
            )
            .await
            .unwrap(),
        ),
    };
    let mut writers = Vec::new();
    for (n, store) in [t.store.clone(), second].into_iter().cycle().take(8).enumerate() {
        writers.push(tokio::spawn(async move {
            for i in 0..25 {
                let id = id();
                store
                    .create_client(
                        fields(&format!("Writer{n}"), &format!("Client{i}"), None, None),
                        audit("client.create", Some(&id)),
                    )
                    .await
                    .unwrap();
                store
                    .append_audit(vec![
                        audit("client.read", Some(&id)),
                        audit("client.read", Some(&id)),
                    ])
                    .await
                    .unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(t.store.count_clients().await.unwrap(), 200);
    assert_eq!(chain_is_valid(t.store.as_ref()).await, 600);
}

async fn every_audited_write_is_in_the_chain(t: TestStore) {
    let store = t.store.as_ref();
    let c = client(store, "Ana", "Silva").await;
    store
        .update_client(
            &c.id,
            1,
            fields("Ana", "Costa", None, None),
            audit("client.update", Some(&c.id)),
        )
        .await
        .unwrap();
    let filter = AuditFilter {
        client_id: Some(c.id.clone()),
        user_id: None,
        limit: 10,
    };
    let actions: Vec<_> = store
        .audit_entries(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["client.update", "client.create"], "newest first");
    // Tampering shows.
    t.execute("UPDATE audit_log SET detail = 'edited' WHERE seq = 1")
        .await
        .unwrap();
    let chain = store.audit_chain().await.unwrap();
    assert!(matches!(
        audit::verify(&chain),
        Err(audit::ChainBreak::Edited { seq: 1 })
    ));
}

/// Counts progress reports, so the test sees the copy report every row.
#[derive(Default)]
struct Counted {
    total: u64,
    copied: u64,
    verified: bool,
}

impl needlepoint_store_sql::transfer::Progress for Counted {
    fn start(&mut self, total_rows: u64) {
        self.total = total_rows;
    }
    fn copied(&mut self, _table: &str, rows: u64) {
        self.copied += rows;
    }
    fn verifying(&mut self) {
        self.verified = true;
    }
}

async fn a_copy_to_either_engine_holds_every_row(t: TestStore) {
    use needlepoint_store_sql::transfer::copy;
    let store = t.store.as_ref();
    let c = clinic(store).await;
    for day in 2..=9 {
        store
            .book(
                booking(
                    &c,
                    &format!("2026-12-0{day}T10:00:00"),
                    &format!("2026-12-0{day}T11:00:00"),
                ),
                audit("book", Some(&c.client.id)),
            )
            .await
            .unwrap();
    }
    for n in 0..1500 {
        let id = id();
        let phone = (n % 3 == 0).then(|| format!("+44 7700 {n:06}"));
        store
            .create_client(
                fields("Many", &format!("Client{n}"), phone.as_deref(), None),
                audit("client.create", Some(&id)),
            )
            .await
            .unwrap();
    }
    let mut targets = vec![fresh(Engine::Sqlite).await.unwrap()];
    if postgres_server().is_ok() {
        targets.push(fresh(Engine::Postgres).await.unwrap());
    }
    for target in targets {
        let mut progress = Counted::default();
        let sums = copy(t.tables.as_ref(), target.tables.as_ref(), &mut progress)
            .await
            .unwrap();
        let clients = sums.iter().find(|s| s.table == "clients").unwrap();
        assert_eq!(clients.rows, 1501);
        assert_eq!(progress.copied, progress.total);
        assert!(progress.verified && progress.total > 1500);
        // The copy is a working clinic: records read back the same, the chain verifies, and the
        // new database takes new writes where the old one stopped.
        let copied = target.store.as_ref();
        assert_eq!(copied.client(&c.client.id).await.unwrap(), Some(c.client.clone()));
        assert_eq!(copied.intake(&c.intake.id).await.unwrap(), Some(c.intake.clone()));
        assert_eq!(chain_is_valid(copied).await, chain_is_valid(store).await);
        client(copied, "After", "Copy").await;
        chain_is_valid(copied).await;
        let again = copy(t.tables.as_ref(), target.tables.as_ref(), &mut Counted::default()).await;
        assert!(
            matches!(&again, Err(StoreError::Backend(m)) if m.contains("not empty")),
            "{again:?}"
        );
    }
}
