//! What the owner sets up for the appointment book: practitioners' licences, rooms, devices and
//! the formulary.

use jiff::civil::Date;
use needlepoint_domain::depth::Mm;
use needlepoint_store::{
    AuditAction, Device, DeviceId, FormularyItem, FormularyItemId, FormularyUse, Licence, Role, Room, RoomId,
    User, UserId,
};
use serde::Deserialize;

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problems};

fn depth_hundredths(problems: &mut Problems, field: &str, value: Option<f64>) -> u32 {
    match value.map(Mm::from_mm) {
        None => {
            problems.add(field, "required: a depth in millimetres");
            0
        }
        Some(Err(e)) => {
            problems.add(field, e.to_string());
            0
        }
        Some(Ok(depth)) if depth == Mm::ZERO => {
            problems.add(field, "must be above 0 mm");
            0
        }
        Some(Ok(depth)) => depth.hundredths(),
    }
}

fn required<'a>(problems: &mut Problems, field: &str, value: &'a Option<String>) -> &'a str {
    let text = value.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        problems.add(field, "required");
    }
    text
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceInput {
    /// E.g. "Registered nurse", "Aesthetic practitioner level 4".
    pub licence_type: Option<String>,
    /// The deepest needle setting the licence allows, in millimetres.
    pub max_depth_mm: Option<f64>,
}

pub async fn set_licence(
    ctx: &Context,
    actor: &Actor,
    user_id: &UserId,
    input: &LicenceInput,
) -> AppResult<Licence> {
    ctx.authorize(actor, Action::ManageClinic).await?;
    let user = ctx.store.user(user_id).await?.ok_or(AppError::NotFound)?;
    let mut problems = Problems::default();
    if !user.role.is_clinical() {
        problems.add(
            "user_id",
            "only practitioners and owners treat clients; front-desk users hold no licence",
        );
    }
    let licence_type = required(&mut problems, "licence_type", &input.licence_type).to_string();
    let max = depth_hundredths(&mut problems, "max_depth_mm", input.max_depth_mm);
    problems.finish()?;
    let audit = ctx.ok(
        actor,
        AuditAction::LicenceSet,
        None,
        format!("user={user_id} max={max}"),
    );
    Ok(ctx
        .store
        .set_licence(
            Licence {
                user_id: user.id,
                licence_type,
                max_depth_hundredths: max,
                updated_at: ctx.now(),
            },
            audit,
        )
        .await?)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomInput {
    pub name: Option<String>,
}

pub async fn create_room(ctx: &Context, actor: &Actor, input: &RoomInput) -> AppResult<Room> {
    ctx.authorize(actor, Action::ManageClinic).await?;
    let mut problems = Problems::default();
    let name = required(&mut problems, "name", &input.name).to_string();
    problems.finish()?;
    let id = RoomId::new();
    let audit = ctx.ok(actor, AuditAction::RoomCreate, None, format!("room={id}"));
    Ok(ctx
        .store
        .create_room(
            Room {
                id,
                name,
                created_at: ctx.now(),
            },
            audit,
        )
        .await?)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceInput {
    pub name: Option<String>,
    /// A catalogue model id from the protocol (e.g. `skinpen_precision`) or a device class
    /// (`roller`, `stamp`, `pen`).
    pub model: Option<String>,
    pub serial: Option<String>,
    pub min_mm: Option<f64>,
    pub max_mm: Option<f64>,
    #[serde(default)]
    pub labelled_limits: String,
    /// `YYYY-MM-DD`.
    pub last_serviced_on: Option<String>,
    /// `YYYY-MM-DD`.
    pub service_due_on: Option<String>,
}

fn optional_date(problems: &mut Problems, field: &str, value: &Option<String>) -> Option<Date> {
    let text = value.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    match text.parse::<Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            problems.add(field, "expected a date as YYYY-MM-DD");
            None
        }
    }
}

/// The model's labelled range, checked against the protocol's catalogue and classes.
fn check_model(ctx: &Context, problems: &mut Problems, model: &str, (min, max): (u32, u32)) {
    let protocol = &ctx.protocol;
    let catalogue = protocol.device_model(model).map(|m| m.range);
    if !model.is_empty() && catalogue.is_none() && protocol.device_class(model).is_none() {
        let mut known: Vec<&str> = protocol.device_models.iter().map(|m| m.id.as_str()).collect();
        known.extend(protocol.device_classes.iter().map(|c| c.id.as_str()));
        problems.add(
            "model",
            format!("unknown device; expected one of: {}", known.join(", ")),
        );
    }
    if min > 0 && max > 0 && min > max {
        problems.add("max_mm", "must not be below min_mm");
    }
    if let Some(range) = catalogue
        && (min < range.min.hundredths() || max > range.max.hundredths())
        && min > 0
    {
        problems.add(
            "max_mm",
            format!(
                "the {model} is labelled for {}–{} mm; the range must lie inside it",
                range.min, range.max
            ),
        );
    }
}

pub async fn create_device(ctx: &Context, actor: &Actor, input: &DeviceInput) -> AppResult<Device> {
    ctx.authorize(actor, Action::ManageClinic).await?;
    let mut problems = Problems::default();
    let name = required(&mut problems, "name", &input.name).to_string();
    let model = required(&mut problems, "model", &input.model).to_string();
    let serial = required(&mut problems, "serial", &input.serial).to_string();
    let min = depth_hundredths(&mut problems, "min_mm", input.min_mm);
    let max = depth_hundredths(&mut problems, "max_mm", input.max_mm);
    check_model(ctx, &mut problems, &model, (min, max));
    let last_serviced_on = optional_date(&mut problems, "last_serviced_on", &input.last_serviced_on);
    let service_due_on = optional_date(&mut problems, "service_due_on", &input.service_due_on);
    problems.finish()?;
    let id = DeviceId::new();
    let audit = ctx.ok(actor, AuditAction::DeviceCreate, None, format!("device={id}"));
    Ok(ctx
        .store
        .create_device(
            Device {
                id,
                name,
                model,
                serial,
                min_hundredths: min,
                max_hundredths: max,
                labelled_limits: input.labelled_limits.trim().to_string(),
                last_serviced_on,
                service_due_on,
                created_at: ctx.now(),
            },
            audit,
        )
        .await?)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormularyInput {
    pub name: Option<String>,
    /// `glide` or `post_procedure`.
    #[serde(rename = "use")]
    pub use_for: Option<String>,
}

pub async fn add_formulary_item(
    ctx: &Context,
    actor: &Actor,
    input: &FormularyInput,
) -> AppResult<FormularyItem> {
    ctx.authorize(actor, Action::ManageClinic).await?;
    let mut problems = Problems::default();
    let name = required(&mut problems, "name", &input.name).to_string();
    let use_for = input.use_for.as_deref().and_then(FormularyUse::from_name);
    if use_for.is_none() {
        problems.add("use", "expected glide or post_procedure");
    }
    problems.finish()?;
    let use_for = use_for.ok_or(AppError::NotFound)?;
    let id = FormularyItemId::new();
    let audit = ctx.ok(actor, AuditAction::FormularyAdd, None, format!("item={id}"));
    Ok(ctx
        .store
        .add_formulary_item(
            FormularyItem {
                id,
                name,
                use_for,
                created_at: ctx.now(),
            },
            audit,
        )
        .await?)
}

pub async fn rooms(ctx: &Context, actor: &Actor) -> AppResult<Vec<Room>> {
    ctx.authorize(actor, Action::ListResources).await?;
    Ok(ctx.store.rooms().await?)
}

pub async fn devices(ctx: &Context, actor: &Actor) -> AppResult<Vec<Device>> {
    ctx.authorize(actor, Action::ListResources).await?;
    Ok(ctx.store.devices().await?)
}

pub async fn formulary(ctx: &Context, actor: &Actor) -> AppResult<Vec<FormularyItem>> {
    ctx.authorize(actor, Action::ListResources).await?;
    Ok(ctx.store.formulary().await?)
}

/// The people who can be booked to treat: practitioners and owners, with their licences.
pub async fn practitioners(ctx: &Context, actor: &Actor) -> AppResult<Vec<(User, Option<Licence>)>> {
    ctx.authorize(actor, Action::ListResources).await?;
    let mut out = Vec::new();
    for user in ctx.store.list_users().await? {
        if matches!(user.role, Role::Practitioner | Role::Owner) {
            let licence = ctx.store.licence(&user.id).await?;
            out.push((user, licence));
        }
    }
    Ok(out)
}
