//! Everything a booking refers to, loaded and checked, each problem naming its field.

use needlepoint_store::{
    Client, ClientId, Device, DeviceId, IntakeId, IntakeRecord, Room, RoomId, User, UserId,
};

use crate::context::Context;
use crate::error::{AppResult, Problems};
use crate::plans::CurrentPlan;

/// The ids a booking or a proposal names, as sent.
pub struct Named<'a> {
    pub client_id: Option<&'a str>,
    pub intake_id: Option<&'a str>,
    pub practitioner_id: Option<&'a str>,
    pub room_id: Option<&'a str>,
    pub device_id: Option<&'a str>,
}

pub struct Parties {
    pub client: Client,
    pub intake: IntakeRecord,
    pub plan: CurrentPlan,
    pub practitioner: User,
    pub room: Room,
    pub device: Device,
    pub licence_max: Option<u32>,
}

/// Reads an id, or says the field names nothing (a malformed id is "no such …" too).
fn id<T>(
    problems: &mut Problems,
    field: &str,
    text: Option<&str>,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => {
            problems.add(field, "required");
            None
        }
        Some(t) => {
            let parsed = parse(t);
            if parsed.is_none() {
                problems.add(field, "not an id this clinic uses");
            }
            parsed
        }
    }
}

async fn client(ctx: &Context, problems: &mut Problems, named: &Named<'_>) -> AppResult<Option<Client>> {
    let Some(id) = id(problems, "client_id", named.client_id, ClientId::parse) else {
        return Ok(None);
    };
    Ok(match ctx.store.client(&id).await? {
        None => {
            problems.add("client_id", "no such client");
            None
        }
        Some(c) if c.archived => {
            problems.add("client_id", "the client is archived; restore the record first");
            None
        }
        Some(c) => Some(c),
    })
}

async fn intake(
    ctx: &Context,
    problems: &mut Problems,
    client: &Client,
    named: &Named<'_>,
) -> AppResult<Option<IntakeRecord>> {
    let found = match named.intake_id.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => match IntakeId::parse(text) {
            Some(id) => ctx.store.intake(&id).await?.filter(|i| i.client_id == client.id),
            None => None,
        },
        None => ctx
            .store
            .intakes_for_client(&client.id)
            .await?
            .into_iter()
            .max_by_key(|i| i.number),
    };
    if found.is_none() {
        problems.add(
            "intake_id",
            if named.intake_id.is_some() {
                "no such intake for this client"
            } else {
                "the client has no intake yet: take one so there is a plan to book"
            },
        );
    }
    Ok(found)
}

async fn practitioner(
    ctx: &Context,
    problems: &mut Problems,
    named: &Named<'_>,
) -> AppResult<Option<(User, Option<u32>)>> {
    let Some(id) = id(problems, "practitioner_id", named.practitioner_id, UserId::parse) else {
        return Ok(None);
    };
    let user = match ctx.store.user(&id).await? {
        Some(u) if u.role.is_clinical() => u,
        Some(_) => {
            problems.add("practitioner_id", "front-desk users do not treat clients");
            return Ok(None);
        }
        None => {
            problems.add("practitioner_id", "no such user");
            return Ok(None);
        }
    };
    let licence = ctx.store.licence(&user.id).await?;
    if licence.is_none() {
        problems.add(
            "practitioner_id",
            format!(
                "{} has no licence on record: the owner records it before they are booked",
                user.email
            ),
        );
    }
    Ok(Some((user, licence.map(|l| l.max_depth_hundredths))))
}

/// Loads and checks every party; `None` when any is missing (the problems say which).
pub async fn load(ctx: &Context, problems: &mut Problems, named: &Named<'_>) -> AppResult<Option<Parties>> {
    let client = client(ctx, problems, named).await?;
    let intake = match &client {
        Some(c) => intake(ctx, problems, c, named).await?,
        None => None,
    };
    let practitioner = practitioner(ctx, problems, named).await?;
    let room = match id(problems, "room_id", named.room_id, RoomId::parse) {
        None => None,
        Some(id) => {
            let found = ctx.store.rooms().await?.into_iter().find(|r| r.id == id);
            if found.is_none() {
                problems.add("room_id", "no such room");
            }
            found
        }
    };
    let device = match id(problems, "device_id", named.device_id, DeviceId::parse) {
        None => None,
        Some(id) => {
            let found = ctx.store.devices().await?.into_iter().find(|d| d.id == id);
            if found.is_none() {
                problems.add("device_id", "no such device");
            }
            found
        }
    };
    let (Some(client), Some(intake), Some((practitioner, licence_max)), Some(room), Some(device)) =
        (client, intake, practitioner, room, device)
    else {
        return Ok(None);
    };
    let overrides = ctx.store.depth_overrides(&intake.id).await?;
    let plan = CurrentPlan::read(intake.clone(), &overrides);
    // A refusal whatever the day (the decision, a re-check, nothing planned) is the intake's; one
    // that depends on the day is the slot's (see `check_slot`).
    if let Some(reason) = plan.plan().booking_refusal(jiff::civil::Date::MAX) {
        problems.add("intake_id", reason);
    }
    Ok(Some(Parties {
        client,
        intake,
        plan,
        practitioner,
        room,
        device,
        licence_max,
    }))
}
