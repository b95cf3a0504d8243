//! What the storage suite's tests share: records to store, and the chain check.
#![allow(dead_code)] // each test module uses its own part

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use needlepoint_domain::chart::Chart;
use needlepoint_domain::plan::Plan;
use needlepoint_domain::protocol::Protocol;
use needlepoint_store::chain::verify_store;
use needlepoint_store::*;
use serde_json::json;

pub fn at() -> Timestamp {
    "2026-11-30T09:00:00Z".parse().unwrap()
}

pub fn day(text: &str) -> Date {
    text.parse().unwrap()
}

pub fn time(text: &str) -> DateTime {
    text.parse().unwrap()
}

pub fn audit(action: AuditAction, client_id: Option<&ClientId>) -> NewAuditEntry {
    NewAuditEntry {
        at: at(),
        user_id: None,
        client_id: client_id.cloned(),
        action,
        outcome: AuditOutcome::Ok,
        detail: String::new(),
    }
}

pub async fn user(store: &dyn Store, email: &str, role: Role) -> User {
    store
        .create_user(
            NewUser {
                id: UserId::new(),
                email: email.into(),
                role,
                password_hash: "not-a-real-hash".into(),
                created_at: at(),
            },
            audit(AuditAction::UserCreate, None),
        )
        .await
        .unwrap()
}

pub fn fields(given: &str, family: &str, phone: Option<&str>, email: Option<&str>) -> ClientFields {
    ClientFields {
        given_name: given.into(),
        family_name: family.into(),
        birth_date: day("1990-04-12"),
        email: email.map(str::to_string),
        phone: phone.map(str::to_string),
    }
}

pub async fn add_client(store: &dyn Store, client: ClientFields) -> Client {
    let id = ClientId::new();
    store
        .create_client(
            NewClient {
                id: id.clone(),
                fields: client,
                created_at: at(),
            },
            audit(AuditAction::ClientCreate, Some(&id)),
        )
        .await
        .unwrap()
}

pub async fn client(store: &dyn Store, given: &str, family: &str) -> Client {
    add_client(store, fields(given, family, None, None)).await
}

/// A real plan from the engine: what the store keeps is the domain's own type.
pub fn plan() -> (serde_json::Value, Plan) {
    let protocol = Protocol::embedded().unwrap();
    let answers = json!({
        "date": "2026-12-01",
        "client": { "birth_date": "1990-04-12", "fitzpatrick": 2 },
        "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
        "areas": ["cheeks"],
        "concerns": ["fine_lines"]
    });
    let intake = needlepoint_domain::intake::parse::from_value(&answers, &protocol).unwrap();
    (
        intake.to_json(),
        needlepoint_domain::engine::plan(&protocol, &intake),
    )
}

pub async fn intake(store: &dyn Store, client: &Client, by: &User) -> IntakeRecord {
    let (answers, plan) = plan();
    store
        .add_intake(
            NewIntake {
                id: IntakeId::new(),
                client_id: client.id.clone(),
                intake: answers,
                plan,
                protocol_version: "test".into(),
                created_by: by.id.clone(),
                created_at: at(),
            },
            audit(AuditAction::IntakeCreate, Some(&client.id)),
        )
        .await
        .unwrap()
}

/// A practitioner, a room, a device, a client with an intake: what a booking needs.
pub struct Clinic {
    pub practitioner: User,
    pub room: Room,
    pub device: Device,
    pub client: Client,
    pub intake: IntakeRecord,
}

pub async fn clinic(store: &dyn Store) -> Clinic {
    let practitioner = user(store, "pat@clinic.test", Role::Practitioner).await;
    let room = store
        .create_room(
            Room {
                id: RoomId::new(),
                name: "Room 1".into(),
                created_at: at(),
            },
            audit(AuditAction::RoomCreate, None),
        )
        .await
        .unwrap();
    let device = store
        .create_device(
            Device {
                id: DeviceId::new(),
                name: "Pen A".into(),
                model: "Pen".into(),
                serial: "SN-1".into(),
                min_hundredths: 25,
                max_hundredths: 250,
                labelled_limits: String::new(),
                last_serviced_on: None,
                service_due_on: Some(day("2027-06-01")),
                created_at: at(),
            },
            audit(AuditAction::DeviceCreate, None),
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

/// A session's time; the instants are the wall clock read as UTC (the clinic's zone is the
/// application's business, not the store's).
pub fn session(starts_at: &str, ends_at: &str) -> SessionTime {
    let (starts_at, ends_at) = (time(starts_at), time(ends_at));
    let utc = |t: DateTime| jiff::tz::TimeZone::UTC.to_timestamp(t).unwrap();
    SessionTime {
        starts_at,
        ends_at,
        starts_utc: utc(starts_at),
        ends_utc: utc(ends_at),
        clash_window_start: time("2026-12-01T00:00:00"),
    }
}

pub fn booking(c: &Clinic, starts_at: &str, ends_at: &str) -> NewAppointment {
    NewAppointment {
        id: AppointmentId::new(),
        client_id: c.client.id.clone(),
        intake_id: c.intake.id.clone(),
        practitioner_id: c.practitioner.id.clone(),
        room_id: c.room.id.clone(),
        device_id: c.device.id.clone(),
        time: session(starts_at, ends_at),
        zones: vec!["cheeks".into()],
        early_reason: None,
        created_by: c.practitioner.id.clone(),
        created_at: at(),
    }
}

pub async fn book(store: &dyn Store, c: &Clinic, starts_at: &str, ends_at: &str) -> Appointment {
    store
        .book(
            booking(c, starts_at, ends_at),
            audit(AuditAction::AppointmentBook, Some(&c.client.id)),
        )
        .await
        .unwrap()
}

/// Checking in a booked appointment (version 1) and the empty chart it opens.
pub fn arrival(appointment: &Appointment) -> (AppointmentChange, NewChart) {
    let change = AppointmentChange {
        id: appointment.id.clone(),
        expected_version: 1,
        status: AppointmentStatus::CheckedIn,
        reason: None,
        new_time: None,
        new_intake_id: None,
        updated_at: at(),
    };
    let chart = NewChart {
        id: ChartId::new(),
        appointment_id: appointment.id.clone(),
        client_id: appointment.client_id.clone(),
        chart: Chart::default(),
        created_at: at(),
    };
    (change, chart)
}

pub fn noted(text: &str) -> Chart {
    Chart {
        notes: text.into(),
        ..Chart::default()
    }
}

/// Verifies the chain page by page; the number of entries.
pub async fn chain_is_valid(store: &dyn Store) -> usize {
    verify_store(store)
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("audit chain broken: {e}"))
}
