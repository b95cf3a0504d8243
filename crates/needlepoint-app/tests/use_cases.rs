//! The application layer on its own, without the web: actors, the role table, the clinic's clock
//! and time zone, the audit entries a use case leaves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

use std::sync::Arc;

use needlepoint_app::accounts::sessions;
use needlepoint_app::accounts::users::{self, NewAccount};
use needlepoint_app::booking::{self, BookingInput};
use needlepoint_app::clients::{self, ClientInput};
use needlepoint_app::consents::{self, SignInput};
use needlepoint_app::resources::{self, DeviceInput, LicenceInput, RoomInput};
use needlepoint_app::settings::{self, ClinicInput};
use needlepoint_app::{Actor, AppError, ClinicConfig, Context, ManualClock, intakes};
use needlepoint_domain::protocol::Protocol;
use needlepoint_store::{AuditFilter, Client, ConsentKind, DeviceId, Role, RoomId, User};
use needlepoint_store_conformance::{TestStore, fresh_from_env};
use serde_json::json;

const PASSWORD: &str = "a long test password";

struct Clinic {
    ctx: Context,
    clock: Arc<ManualClock>,
    owner: Actor,
    practitioner: Actor,
    desk: Actor,
    _db: TestStore,
}

async fn account(ctx: &Context, email: &str, role: &str) -> User {
    let account = NewAccount {
        email: email.into(),
        role: role.into(),
        password: PASSWORD.into(),
    };
    users::create(ctx, &Actor::Job("test"), &account).await.unwrap()
}

/// A clinic in London, with "now" on Saturday 28 March 2026, the day before the clocks go forward.
async fn clinic() -> Clinic {
    let db = fresh_from_env().await.unwrap();
    let clock = Arc::new(ManualClock::new("2026-03-28T09:00:00Z".parse().unwrap()));
    let config = ClinicConfig {
        time_zone: Some("Europe/London".into()),
        ..ClinicConfig::default()
    };
    let ctx = Context::start(db.store.clone(), Arc::new(Protocol::embedded().unwrap()), config)
        .await
        .unwrap()
        .with_clock(clock.clone());
    let owner = Actor::Staff(account(&ctx, "owner@clinic.test", "owner").await);
    let practitioner = Actor::Staff(account(&ctx, "pat@clinic.test", "practitioner").await);
    let desk = Actor::Staff(account(&ctx, "desk@clinic.test", "front_desk").await);
    Clinic {
        ctx,
        clock,
        owner,
        practitioner,
        desk,
        _db: db,
    }
}

fn ana() -> ClientInput {
    ClientInput {
        given_name: Some("Ana".into()),
        family_name: Some("Silva".into()),
        birth_date: Some("1990-04-02".into()),
        email: None,
        phone: None,
    }
}

#[tokio::test]
async fn every_actor_is_held_to_the_role_table_and_refusals_are_audited() {
    let c = clinic().await;
    let client = clients::create(&c.ctx, &c.desk, &ana()).await.unwrap();
    let intake = json!({
        "date": "2026-03-28", "client": { "birth_date": "1990-04-02", "fitzpatrick": 2 },
        "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
        "areas": ["cheeks"], "concerns": ["fine_lines"]
    });
    let refused = intakes::create(&c.ctx, &c.desk, &client.id, &intake).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let anonymous = clients::read(&c.ctx, &Actor::Anonymous, &client.id).await;
    assert!(
        matches!(anonymous, Err(AppError::Unauthenticated)),
        "{anonymous:?}"
    );
    let by_client = clients::search(&c.ctx, &Actor::Client(client.id.clone()), "", false).await;
    assert!(
        matches!(by_client, Err(AppError::Forbidden)),
        "a client does not search the clinic"
    );
    intakes::create(&c.ctx, &c.practitioner, &client.id, &intake)
        .await
        .unwrap();

    let log = c
        .ctx
        .store
        .audit_entries(&AuditFilter {
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let denied: Vec<_> = log.iter().filter(|e| e.outcome == "denied").collect();
    assert_eq!(
        denied.len(),
        2,
        "the desk's and the client's refusals: {denied:?}"
    );
    assert!(denied.iter().any(|e| e.detail.contains("TakeIntake")));
    let jobs: Vec<_> = log.iter().filter(|e| e.detail.starts_with("job=test")).collect();
    assert_eq!(jobs.len(), 3, "a job's actions say so: {jobs:?}");
}

/// A room, a pen and a licensed practitioner, and Ana with treatment consent and an intake on
/// the cheeks (with `history` and `conditions` as given), taken on `day`.
async fn bookable(c: &Clinic, day: &str, extra: serde_json::Value) -> (RoomId, DeviceId, Client) {
    resources::set_licence(
        &c.ctx,
        &c.owner,
        &c.practitioner.staff().unwrap().id,
        &LicenceInput {
            licence_type: Some("Nurse".into()),
            max_depth_mm: Some(1.5),
        },
    )
    .await
    .unwrap();
    let room = resources::create_room(
        &c.ctx,
        &c.owner,
        &RoomInput {
            name: Some("Room 1".into()),
        },
    )
    .await
    .unwrap();
    let device = DeviceInput {
        name: Some("Pen".into()),
        model: Some("pen".into()),
        serial: Some("P-1".into()),
        min_mm: Some(0.25),
        max_mm: Some(2.5),
        ..DeviceInput::default()
    };
    let device = resources::create_device(&c.ctx, &c.owner, &device).await.unwrap();
    let client = clients::create(&c.ctx, &c.desk, &ana()).await.unwrap();
    let mut intake = json!({
        "date": day, "client": { "birth_date": "1990-04-02", "fitzpatrick": 2 },
        "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
        "areas": ["cheeks"], "concerns": ["fine_lines"]
    });
    for (key, value) in extra.as_object().into_iter().flatten() {
        intake[key] = value.clone();
    }
    intakes::create(&c.ctx, &c.practitioner, &client.id, &intake)
        .await
        .unwrap();
    let template = consents::current_template(&c.ctx, &c.practitioner, ConsentKind::Treatment)
        .await
        .unwrap();
    let consent = SignInput {
        kind: Some("treatment".into()),
        template_id: Some(template.id.to_string()),
        signer_name: Some("Ana Silva".into()),
        ..SignInput::default()
    };
    consents::sign(&c.ctx, &c.practitioner, &client.id, &consent)
        .await
        .unwrap();
    (room.id, device.id, client)
}

fn booking_of(
    c: &Clinic,
    (room, device, client): &(RoomId, DeviceId, Client),
    starts_at: &str,
) -> BookingInput {
    BookingInput {
        client_id: Some(client.id.to_string()),
        practitioner_id: Some(c.practitioner.staff().unwrap().id.to_string()),
        room_id: Some(room.to_string()),
        device_id: Some(device.to_string()),
        starts_at: Some(starts_at.into()),
        ..BookingInput::default()
    }
}

#[tokio::test]
async fn a_booking_keeps_the_clinic_wall_clock_and_the_instant_across_a_clock_change() {
    let c = clinic().await;
    let owner_user = c.owner.staff().unwrap().clone();
    let parties = bookable(&c, "2026-03-28", json!({})).await;
    let book = |starts_at: &str| booking_of(&c, &parties, starts_at);
    // Monday 30 March, after the clocks went forward: 10:00 in London is 09:00 UTC.
    let booked = booking::book(&c.ctx, &c.desk, &book("2026-03-30T10:00"))
        .await
        .unwrap();
    let a = booked.appointment;
    assert_eq!(a.starts_at.to_string(), "2026-03-30T10:00:00");
    assert_eq!(a.starts_utc.unwrap().to_string(), "2026-03-30T09:00:00Z");
    // The owner moves the clinic to New York: new bookings follow the new zone.
    settings::set_clinic(
        &c.ctx,
        &c.owner,
        &ClinicInput {
            time_zone: Some("America/New_York".into()),
            ..ClinicInput::default()
        },
    )
    .await
    .unwrap();
    let later = booking::book(
        &c.ctx,
        &c.desk,
        &BookingInput {
            early_reason: Some("test of the zone".into()),
            ..book("2026-04-27T10:00")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        later.appointment.starts_utc.unwrap().to_string(),
        "2026-04-27T14:00:00Z"
    );
    // "Today" is the clinic's: late on the 28th in New York is already the 29th in UTC.
    c.clock.set("2026-03-29T03:30:00Z".parse().unwrap());
    assert_eq!(c.ctx.today().await.unwrap().to_string(), "2026-03-28");
    let bad_zone = settings::set_clinic(
        &c.ctx,
        &c.owner,
        &ClinicInput {
            time_zone: Some("Mars/Olympus".into()),
            ..ClinicInput::default()
        },
    )
    .await;
    assert!(
        matches!(&bad_zone, Err(AppError::Invalid { fields, .. }) if fields.contains_key("time_zone")),
        "{bad_zone:?}"
    );
    assert_eq!(owner_user.role, Role::Owner);
}

#[tokio::test]
async fn sessions_expire_by_the_clinic_clock_not_by_sleeping() {
    let c = clinic().await;
    let signed_in = sessions::sign_in(&c.ctx, " Desk@Clinic.test ", PASSWORD, "10.0.0.1")
        .await
        .unwrap();
    let session = sessions::resolve(&c.ctx, &signed_in.token).await.unwrap();
    assert_eq!(session.user.email, "desk@clinic.test");
    c.clock.advance(jiff::SignedDuration::from_mins(31));
    let expired = sessions::resolve(&c.ctx, &signed_in.token).await;
    assert!(matches!(expired, Err(AppError::Unauthenticated)), "{expired:?}");
}

/// Sunburn on the area defers with a re-check and no date (issue 11, correction 4): the plan
/// must refuse a booking on any day until the client is screened again, naming why.
#[tokio::test]
async fn a_deferral_to_re_check_refuses_every_booking_until_a_new_screening() {
    let c = clinic().await;
    let conditions = json!({ "conditions": [{ "condition": "sunburn", "zones": ["cheeks"] }] });
    let parties = bookable(&c, "2026-03-28", conditions).await;
    for day in ["2026-03-30T10:00", "2026-06-01T10:00"] {
        let refused = booking::book(&c.ctx, &c.desk, &booking_of(&c, &parties, day)).await;
        let Err(AppError::Invalid { fields, .. }) = &refused else {
            panic!("{day}: {:?}", refused.map(|b| b.appointment))
        };
        assert!(
            fields["intake_id"].contains("Screen the client again"),
            "{day}: {fields:?}"
        );
    }
}
