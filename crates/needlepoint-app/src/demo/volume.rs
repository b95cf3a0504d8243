//! A clinic at volume, for benchmarks and demos: clients with intakes screened and planned by the
//! clinical engine (so decisions, deferrals and depths are real), consent where treatment may go
//! ahead, and past sessions booked, checked in, charted and signed.
//!
//! Clients, intakes and consents go through the same use cases as the pages. Past sessions are
//! written through the store directly: the booking rules (opening hours, intervals from today)
//! are about the future, and a history laid down in one run cannot follow them. Each session still
//! carries a whole chart of the domain's shape, its lots and its audit entries.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use needlepoint_domain::chart::{AnaestheticUse, Cartridge, Chart, Endpoint, ProductUse, ZoneRecord};
use needlepoint_domain::checkin::ChangesSinceLastVisit;
use needlepoint_domain::schedule::Slot;
use needlepoint_store::{
    AppointmentChange, AppointmentId, AppointmentStatus, AuditAction, ChartId, ChartSignature, ClientId,
    ConsentKind, DeviceId, IntakeId, NewAppointment, NewChart, RoomId,
};
use serde_json::json;

use crate::access::Actor;
use crate::accounts::random_token;
use crate::accounts::users::{self, NewAccount};
use crate::clients::{self, ClientInput};
use crate::consents::{self, SignInput};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::resources::{self, DeviceInput, LicenceInput, RoomInput};
use crate::{intakes, room};

/// Practitioners (each with a room and a pen of their own) who share the sessions.
const PRACTITIONERS: usize = 4;
/// Sessions a practitioner holds a day, 80 minutes apart from 09:00.
const SESSIONS_A_DAY: usize = 6;

const GIVEN: [&str; 24] = [
    "Amelia", "Jonah", "Priya", "Chloe", "Mateo", "Grace", "Hannah", "Leo", "Sofia", "Yuki", "Olivia",
    "Noah", "Isla", "Aisha", "Ethan", "Mei", "Lucas", "Zara", "Freya", "Daniel", "Lena", "Omar", "Ruby",
    "Kai",
];
const FAMILY: [&str; 24] = [
    "Hart",
    "Reyes",
    "Nair",
    "Dubois",
    "Silva",
    "Okafor",
    "Becker",
    "Marino",
    "Lindqvist",
    "Tanaka",
    "Brennan",
    "Haddad",
    "McLeod",
    "Bello",
    "Walsh",
    "Chen",
    "Moreau",
    "Khan",
    "Nilsen",
    "Cohen",
    "Vogel",
    "Farouk",
    "Thompson",
    "Nakamura",
];

/// What a run added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VolumeReport {
    pub clients: u64,
    /// Intakes whose plan allows treatment (the others were deferred, referred or excluded).
    pub treatable: u64,
    pub sessions: u64,
}

/// A client who may be treated, with the zones and depths of their plan.
struct Treatable {
    client_id: ClientId,
    intake_id: IntakeId,
    zones: Vec<(String, f64)>,
}

/// The staff and rooms of one run (names carry the run's stamp, so runs never collide).
struct Staff {
    practitioners: Vec<Actor>,
    rooms: Vec<RoomId>,
    devices: Vec<(DeviceId, String)>,
}

async fn account(ctx: &Context, email: String, role: &str, password: &str) -> AppResult<Actor> {
    let account = NewAccount {
        email,
        role: role.into(),
        password: password.into(),
    };
    Ok(Actor::Staff(
        users::create(ctx, &Actor::Job("seed"), &account).await?,
    ))
}

async fn staff(ctx: &Context, stamp: &str) -> AppResult<Staff> {
    // Nobody signs in as the seeded staff: a random password each run.
    let password = random_token()?;
    let owner = account(ctx, format!("owner-{stamp}@seed.invalid"), "owner", &password).await?;
    let mut staff = Staff {
        practitioners: Vec::new(),
        rooms: Vec::new(),
        devices: Vec::new(),
    };
    for n in 0..PRACTITIONERS {
        let email = format!("practitioner{n}-{stamp}@seed.invalid");
        let practitioner = account(ctx, email, "practitioner", &password).await?;
        let user = practitioner.staff().ok_or(AppError::Forbidden)?.clone();
        let licence = LicenceInput {
            licence_type: Some("Registered nurse, aesthetic practice".into()),
            max_depth_mm: Some(2.5),
        };
        resources::set_licence(ctx, &owner, &user.id, &licence).await?;
        let room = RoomInput {
            name: Some(format!("Room {} ({stamp})", n + 1)),
        };
        staff
            .rooms
            .push(resources::create_room(ctx, &owner, &room).await?.id);
        let device = DeviceInput {
            name: Some(format!("Pen {}", n + 1)),
            model: Some("pen".into()),
            serial: Some(format!("SEED-{stamp}-{n}")),
            min_mm: Some(0.25),
            max_mm: Some(2.5),
            labelled_limits: "Face, neck and scalp.".into(),
            last_serviced_on: None,
            service_due_on: None,
        };
        let device = resources::create_device(ctx, &owner, &device).await?;
        staff.devices.push((device.id, device.serial));
        staff.practitioners.push(practitioner);
    }
    Ok(staff)
}

/// The intake of the `i`th synthetic client: a spread of areas, concerns and histories, some of
/// which the screening defers or refers.
fn intake_body(i: u64, today: Date, birth_date: &str) -> serde_json::Value {
    let (areas, concerns, history, conditions) = match i % 8 {
        0 => (
            json!(["forehead", "cheeks", "neck"]),
            json!(["fine_lines"]),
            json!({}),
            json!([]),
        ),
        1 => (
            json!(["cheeks", "chin"]),
            json!(["acne_scars"]),
            json!({}),
            json!([]),
        ),
        2 => (
            json!(["forehead", "nose", "cheeks"]),
            json!(["enlarged_pores", "texture_tone"]),
            json!({}),
            json!([{ "condition": "rosacea", "severity": "moderate", "zones": ["cheeks"] }]),
        ),
        3 => (json!(["scalp"]), json!(["hair_loss"]), json!({}), json!([])),
        4 => (
            json!(["decolletage", "neck"]),
            json!(["sun_damage"]),
            json!({}),
            json!([]),
        ),
        5 => (
            json!(["cheeks"]),
            json!(["acne_scars"]),
            json!({ "isotretinoin_last_dose": today.to_string() }),
            json!([]),
        ),
        6 => (
            json!(["forehead", "periorbital", "cheeks"]),
            json!(["fine_lines", "texture_tone"]),
            json!({ "hsv_history": true }),
            json!([]),
        ),
        _ => (
            json!(["cheeks", "jawline"]),
            json!(["hyperpigmentation"]),
            json!({}),
            json!([]),
        ),
    };
    json!({
        "date": today.to_string(),
        "client": { "birth_date": birth_date, "fitzpatrick": 1 + i % 6 },
        "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
        "areas": areas,
        "concerns": concerns,
        "history": history,
        "conditions": conditions,
    })
}

async fn add_client(ctx: &Context, by: &Actor, i: u64, today: Date) -> AppResult<Option<Treatable>> {
    let given = GIVEN[(i % 24) as usize];
    let family = FAMILY[((i / 24) % 24) as usize];
    let birth_date = format!("{}-{:02}-{:02}", 1950 + i % 55, 1 + i % 12, 1 + i % 28);
    let client = clients::create(
        ctx,
        by,
        &ClientInput {
            given_name: Some(given.into()),
            family_name: Some(format!("{family}{}", i / 576)),
            birth_date: Some(birth_date.clone()),
            email: Some(format!(
                "{}.{}{i}@example.com",
                given.to_lowercase(),
                family.to_lowercase()
            )),
            phone: Some(format!("+44 7{i:09}")),
        },
    )
    .await?;
    let (record, plan) = intakes::create(ctx, by, &client.id, &intake_body(i, today, &birth_date)).await?;
    if !plan.screening.decision.allows_treatment() || plan.zones.is_empty() {
        return Ok(None);
    }
    let template = consents::current_template(ctx, by, ConsentKind::Treatment).await?;
    let consent = SignInput {
        kind: Some("treatment".into()),
        template_id: Some(template.id.to_string()),
        signer_name: Some(client.fields.full_name()),
        scopes: vec![],
        signature_path: None,
    };
    consents::sign(ctx, by, &client.id, &consent).await?;
    Ok(Some(Treatable {
        client_id: client.id,
        intake_id: record.id,
        zones: plan
            .zones
            .iter()
            .map(|z| (z.zone.clone(), z.depth_mm.planned.as_mm()))
            .collect(),
    }))
}

fn chart_for(session: u64, day: Date, starts: DateTime, zones: &[(String, f64)], serial: &str) -> Chart {
    let minutes = |m: i64| starts.checked_sub(jiff::Span::new().minutes(m)).unwrap_or(starts);
    Chart {
        changes_since_last_visit: Some(ChangesSinceLastVisit::default()),
        photos_taken: true,
        cleansed: true,
        anaesthetic: Some(AnaestheticUse {
            agent: "lidocaine_tetracaine_7".into(),
            concentration: "7% / 7%".into(),
            areas: zones.iter().map(|(z, _)| z.clone()).collect(),
            applied_at: Some(minutes(35)),
            removed_at: Some(minutes(5)),
            occlusion: false,
        }),
        removal_and_antisepsis: true,
        device_serial: Some(serial.to_string()),
        cartridge: Some(Cartridge {
            lot: format!("CART-{:05}", session % 5000),
            expiry: day.checked_add(jiff::Span::new().months(18)).ok(),
            sterile_pack_intact: true,
        }),
        zones: zones
            .iter()
            .map(|(zone, depth)| ZoneRecord {
                zone: zone.clone(),
                actual_depth_mm: Some(depth.min(1.5)),
                passes: Some(3 + (session % 3) as u32),
                speed: Some(6),
                endpoint: Some(Endpoint::Erythema),
                over_limit_reason: None,
            })
            .collect(),
        glide: Some(ProductUse {
            product: "Sterile hyaluronic glide".into(),
            lot: format!("HG-{:04}", session % 900),
            off_formulary_reason: None,
        }),
        post_products: vec![ProductUse {
            product: "Calming post-procedure balm".into(),
            lot: format!("CB-{:04}", session % 700),
            off_formulary_reason: None,
        }],
        adverse_events: vec![],
        notes: "Tolerated well; even redness at the end-point.".into(),
    }
}

/// When the `session`th past session took place: practitioner by practitioner, six a day, going
/// back from yesterday.
fn session_slot(session: u64, today: Date) -> AppResult<(usize, Date, Slot)> {
    let n = usize::try_from(session).unwrap_or(usize::MAX);
    let p = n % PRACTITIONERS;
    let slot = n / PRACTITIONERS;
    let days_back = i64::try_from(1 + slot / SESSIONS_A_DAY).unwrap_or(i64::MAX);
    let day = today
        .checked_sub(jiff::Span::new().days(days_back))
        .map_err(AppError::internal)?;
    let minutes = i64::try_from(80 * (slot % SESSIONS_A_DAY)).unwrap_or(0);
    let starts = day
        .to_datetime(Time::constant(9, 0, 0, 0))
        .checked_add(jiff::Span::new().minutes(minutes))
        .map_err(AppError::internal)?;
    let slot = Slot::new(starts, 60).ok_or_else(|| AppError::internal("a seeded session out of range"))?;
    Ok((p, day, slot))
}

/// One past session: booked, checked in, charted and signed, each step audited.
async fn add_session(
    ctx: &Context,
    staff: &Staff,
    who: &Treatable,
    session: u64,
    zone: &TimeZone,
) -> AppResult<()> {
    let (p, day, slot) = session_slot(session, ctx.today().await?)?;
    let practitioner = &staff.practitioners[p];
    let by = practitioner.staff().ok_or(AppError::Forbidden)?;
    let (device_id, serial) = &staff.devices[p];
    let audit = |action| ctx.ok(practitioner, action, Some(&who.client_id), "seed");
    let appointment = ctx
        .store
        .book(
            NewAppointment {
                id: AppointmentId::new(),
                client_id: who.client_id.clone(),
                intake_id: who.intake_id.clone(),
                practitioner_id: by.id.clone(),
                room_id: staff.rooms[p].clone(),
                device_id: device_id.clone(),
                time: crate::booking::session_time(slot, zone)?,
                zones: who.zones.iter().map(|(z, _)| z.clone()).collect(),
                early_reason: None,
                created_by: by.id.clone(),
                created_at: ctx.now(),
            },
            audit(AuditAction::AppointmentBook),
        )
        .await?;
    let (_, opened) = ctx
        .store
        .check_in(
            AppointmentChange {
                id: appointment.id.clone(),
                expected_version: appointment.version,
                status: AppointmentStatus::CheckedIn,
                reason: None,
                new_time: None,
                new_intake_id: None,
                updated_at: ctx.now(),
            },
            NewChart {
                id: ChartId::new(),
                appointment_id: appointment.id.clone(),
                client_id: who.client_id.clone(),
                chart: Chart::default(),
                created_at: ctx.now(),
            },
            audit(AuditAction::AppointmentCheckIn),
        )
        .await?;
    let chart = chart_for(session, day, slot.start, &who.zones, serial);
    let lots = room::lots(&chart);
    let saved = ctx
        .store
        .save_chart(
            &opened.id,
            opened.version,
            chart,
            ctx.now(),
            audit(AuditAction::ChartSave),
        )
        .await?;
    ctx.store
        .sign_chart(
            ChartSignature {
                chart_id: saved.id.clone(),
                expected_version: saved.version,
                signed_by: by.id.clone(),
                signed_at: ctx.now(),
                used_on: day,
                lots,
            },
            audit(AuditAction::ChartSign),
        )
        .await?;
    Ok(())
}

/// Adds `clients` clients and `sessions` signed past sessions; `progress` hears each record made.
pub async fn seed(
    ctx: &Context,
    clients: u64,
    sessions: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> AppResult<VolumeReport> {
    let stamp = ctx.now().as_millisecond().to_string();
    let staff = staff(ctx, &stamp).await?;
    let today = ctx.today().await?;
    let zone = ctx.time_zone().await?;
    let mut treatable = Vec::new();
    for i in 0..clients {
        let by = &staff.practitioners[(i as usize) % PRACTITIONERS];
        if let Some(who) = add_client(ctx, by, i, today).await? {
            treatable.push(who);
        }
        progress(1);
    }
    if sessions > 0 && treatable.is_empty() {
        return Err(AppError::field(
            "sessions",
            "no seeded client may be treated; add clients (--clients) so that sessions have someone to treat",
        ));
    }
    for session in 0..sessions {
        let who = &treatable[(session as usize) % treatable.len()];
        add_session(ctx, &staff, who, session, &zone).await?;
        progress(1);
    }
    Ok(VolumeReport {
        clients,
        treatable: treatable.len() as u64,
        sessions,
    })
}
