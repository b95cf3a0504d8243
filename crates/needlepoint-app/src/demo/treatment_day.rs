//! The demo clinic's treatment day: licences, rooms, devices and the formulary; one session
//! already charted and signed this morning (so the aftercare and a lot look-up have something to
//! show); the rest of the day booked for the practitioner to check in and chart; and the next
//! sessions of one client's series booked from the proposer.

use jiff::civil::{Date, Time};
use needlepoint_domain::chart::{AnaestheticUse, Cartridge, Chart, Endpoint, ProductUse, ZoneRecord};
use needlepoint_domain::checkin::ChangesSinceLastVisit;

use needlepoint_store::{Appointment, ClientId, Device, Room};

use crate::access::Actor;
use crate::booking::{self, BookingInput, ProposalInput};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::resources::{self, DeviceInput, FormularyInput, LicenceInput, RoomInput};
use crate::room::{self, ChartInput, CheckInInput};

/// Starts of the day's sessions; sessions take up to about 90 minutes.
const STARTS: [&str; 5] = ["09:00", "10:45", "12:30", "14:15", "16:00"];

async fn first_open_day(ctx: &Context, from: Date) -> AppResult<Date> {
    let hours = crate::settings::opening_hours(ctx).await?;
    let mut day = from;
    for _ in 0..7 {
        if !hours.on(day).is_empty() {
            return Ok(day);
        }
        day = day.tomorrow().map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(from)
}

/// Licences, two rooms, two pens, the formulary.
async fn set_up(
    ctx: &Context,
    owner: &Actor,
    practitioner: &Actor,
    today: Date,
) -> AppResult<(Vec<Room>, Vec<Device>)> {
    for (user, licence, max) in [
        (practitioner, "Registered nurse, aesthetic practice", 1.5),
        (owner, "Physician, medical director", 2.5),
    ] {
        let input = LicenceInput {
            licence_type: Some(licence.into()),
            max_depth_mm: Some(max),
        };
        let user = user.staff().ok_or(AppError::Forbidden)?;
        resources::set_licence(ctx, owner, &user.id, &input).await?;
    }
    let mut rooms = Vec::new();
    for name in ["Treatment room 1", "Treatment room 2"] {
        let input = RoomInput {
            name: Some(name.into()),
        };
        rooms.push(resources::create_room(ctx, owner, &input).await?);
    }
    let due = today
        .checked_add(jiff::Span::new().months(6))
        .unwrap_or(today)
        .to_string();
    let mut devices = Vec::new();
    for (name, serial) in [("Pen A", "NP-PEN-0001"), ("Pen B", "NP-PEN-0002")] {
        let input = DeviceInput {
            name: Some(name.into()),
            model: Some("pen".into()),
            serial: Some(serial.into()),
            min_mm: Some(0.25),
            max_mm: Some(2.5),
            labelled_limits: "Face and neck; keep outside the orbital rim.".into(),
            last_serviced_on: None,
            service_due_on: Some(due.clone()),
        };
        devices.push(resources::create_device(ctx, owner, &input).await?);
    }
    for (name, use_for) in [
        ("Sterile hyaluronic glide (device maker's)", "glide"),
        ("Calming post-procedure balm", "post_procedure"),
        ("Bland fragrance-free moisturiser", "post_procedure"),
    ] {
        let input = FormularyInput {
            name: Some(name.into()),
            use_for: Some(use_for.into()),
        };
        resources::add_formulary_item(ctx, owner, &input).await?;
    }
    Ok((rooms, devices))
}

/// The chart of a session done well, from the planned zones.
fn good_chart(day: Date, planned: &[(String, needlepoint_domain::depth::Mm)], serial: &str) -> Chart {
    let at = |h, m| day.to_datetime(Time::constant(h, m, 0, 0));
    Chart {
        changes_since_last_visit: Some(ChangesSinceLastVisit::default()),
        photos_taken: true,
        cleansed: true,
        anaesthetic: Some(AnaestheticUse {
            agent: "lidocaine_tetracaine_7".into(),
            concentration: "7% / 7%".into(),
            areas: planned.iter().map(|(z, _)| z.clone()).collect(),
            applied_at: Some(at(8, 25)),
            removed_at: Some(at(8, 55)),
            occlusion: false,
        }),
        removal_and_antisepsis: true,
        device_serial: Some(serial.to_string()),
        cartridge: Some(Cartridge {
            lot: "CART-24117".into(),
            expiry: day.checked_add(jiff::Span::new().months(18)).ok(),
            sterile_pack_intact: true,
        }),
        zones: planned
            .iter()
            .map(|(zone, depth)| ZoneRecord {
                zone: zone.clone(),
                actual_depth_mm: Some(depth.as_mm().min(1.5)),
                passes: Some(4),
                speed: Some(6),
                endpoint: Some(Endpoint::Erythema),
                over_limit_reason: None,
            })
            .collect(),
        glide: Some(ProductUse {
            product: "Sterile hyaluronic glide (device maker's)".into(),
            lot: "HG-3391".into(),
            off_formulary_reason: None,
        }),
        post_products: vec![ProductUse {
            product: "Calming post-procedure balm".into(),
            lot: "CB-0712".into(),
            off_formulary_reason: None,
        }],
        adverse_events: vec![],
        notes: "Tolerated well; even redness at the end-point.".into(),
    }
}

/// Checks the session in, charts it and signs it.
async fn chart_and_sign(
    ctx: &Context,
    practitioner: &Actor,
    first: &Appointment,
    serial: &str,
) -> AppResult<()> {
    let arrival = CheckInInput {
        version: Some(first.version),
        changes: Some(ChangesSinceLastVisit::default()),
        intake: None,
    };
    let checked = room::check_in(ctx, practitioner, &first.id, &arrival).await?;
    let view = room::chart(ctx, practitioner, &checked.chart_id).await?;
    let chart = good_chart(first.starts_at.date(), &view.planned, serial);
    let input = ChartInput {
        version: view.record.version,
        chart: serde_json::to_value(&chart).map_err(AppError::internal)?,
    };
    let saved = room::save(ctx, practitioner, &checked.chart_id, input).await?;
    room::sign(ctx, practitioner, &checked.chart_id, saved.record.version).await?;
    Ok(())
}

pub async fn seed(ctx: &Context, owner: &Actor, practitioner: &Actor, ready: &[ClientId]) -> AppResult<()> {
    let practitioner_id = practitioner.staff().ok_or(AppError::Forbidden)?.id.to_string();
    let today = ctx.today().await?;
    let (rooms, devices) = set_up(ctx, owner, practitioner, today).await?;
    let (Some(room), Some(pen)) = (rooms.first(), devices.first()) else {
        return Err(AppError::NotFound);
    };
    let day = first_open_day(ctx, today).await?;
    let booking_for = |client_id: &ClientId, i: usize, starts_at: String, zones| BookingInput {
        client_id: Some(client_id.to_string()),
        intake_id: None,
        practitioner_id: Some(practitioner_id.clone()),
        room_id: rooms.get(i % rooms.len()).map(|r| r.id.to_string()),
        device_id: devices.get(i % devices.len()).map(|d| d.id.to_string()),
        starts_at: Some(starts_at),
        zones,
        early_reason: None,
    };
    let mut booked = Vec::new();
    for (i, (client_id, start)) in ready.iter().zip(STARTS).enumerate() {
        // A session that cannot be booked (a deferral not yet over) simply stays unbooked.
        if let Ok(done) = booking::book(
            ctx,
            practitioner,
            &booking_for(client_id, i, format!("{day}T{start}"), None),
        )
        .await
        {
            booked.push(done.appointment);
        }
    }
    // The first session of the day: checked in, charted and signed; then its client's next
    // sessions, from the series proposer, in the first room with the first pen.
    let Some(first) = booked.first() else {
        return Ok(());
    };
    chart_and_sign(ctx, practitioner, first, &pen.serial).await?;
    let proposal = booking::propose_series(
        ctx,
        practitioner,
        &first.client_id,
        &ProposalInput {
            intake_id: None,
            practitioner_id: Some(practitioner_id.clone()),
            room_id: Some(room.id.to_string()),
            device_id: Some(pen.id.to_string()),
            from: Some(day.to_string()),
            preferred_time: Some("09:00".into()),
        },
    )
    .await?;
    for next in proposal.proposals {
        let input = booking_for(&first.client_id, 0, next.starts_at.to_string(), Some(next.zones));
        booking::book(ctx, practitioner, &input).await?;
    }
    Ok(())
}
