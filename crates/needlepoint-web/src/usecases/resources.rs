//! What the owner sets up for the appointment book: practitioners' licences, rooms, devices, the
//! formulary and the opening hours.

use needlepoint_domain::depth::Mm;
use needlepoint_domain::schedule::{Opening, OpeningHours};
use needlepoint_store::{Device, FormularyItem, Licence, Role, Room};
use serde::Deserialize;

use super::{Problems, new_id};
use crate::auth::CurrentUser;
use crate::auth::session::now_text;
use crate::error::AppError;
use crate::state::AppState;

const OPENING_HOURS: &str = "opening_hours";

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

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct LicenceInput {
    /// E.g. "Registered nurse", "Aesthetic practitioner level 4".
    pub licence_type: Option<String>,
    /// The deepest needle setting the licence allows, in millimetres.
    pub max_depth_mm: Option<f64>,
}

pub async fn set_licence(
    state: &AppState,
    owner: &CurrentUser,
    user_id: &str,
    input: &LicenceInput,
) -> Result<Licence, AppError> {
    let user = state.store.user_by_id(user_id).await?.ok_or(AppError::NotFound)?;
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
    let audit = owner.audit_entry("licence.set", "ok", None, format!("user={user_id} max={max}"));
    Ok(state
        .store
        .set_licence(
            Licence {
                user_id: user.id,
                licence_type,
                max_depth_hundredths: max,
                updated_at: now_text(),
            },
            audit,
        )
        .await?)
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RoomInput {
    pub name: Option<String>,
}

pub async fn create_room(state: &AppState, owner: &CurrentUser, input: &RoomInput) -> Result<Room, AppError> {
    let mut problems = Problems::default();
    let name = required(&mut problems, "name", &input.name).to_string();
    problems.finish()?;
    let id = new_id();
    let audit = owner.audit_entry("room.create", "ok", None, format!("room={id}"));
    Ok(state
        .store
        .create_room(
            Room {
                id,
                name,
                created_at: now_text(),
            },
            audit,
        )
        .await?)
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
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

fn optional_date(problems: &mut Problems, field: &str, value: &Option<String>) -> Option<String> {
    let text = value.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    match text.parse::<jiff::civil::Date>() {
        Ok(date) => Some(date.to_string()),
        Err(_) => {
            problems.add(field, "expected a date as YYYY-MM-DD");
            None
        }
    }
}

pub async fn create_device(
    state: &AppState,
    owner: &CurrentUser,
    input: &DeviceInput,
) -> Result<Device, AppError> {
    let mut problems = Problems::default();
    let name = required(&mut problems, "name", &input.name).to_string();
    let model = required(&mut problems, "model", &input.model).to_string();
    let serial = required(&mut problems, "serial", &input.serial).to_string();
    let protocol = &state.protocol;
    let catalogue = protocol.device_model(&model).map(|m| m.range);
    if !model.is_empty() && catalogue.is_none() && protocol.device_class(&model).is_none() {
        let mut known: Vec<&str> = protocol.device_models.iter().map(|m| m.id.as_str()).collect();
        known.extend(protocol.device_classes.iter().map(|c| c.id.as_str()));
        problems.add(
            "model",
            format!("unknown device; expected one of: {}", known.join(", ")),
        );
    }
    let min = depth_hundredths(&mut problems, "min_mm", input.min_mm);
    let max = depth_hundredths(&mut problems, "max_mm", input.max_mm);
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
    let last_serviced_on = optional_date(&mut problems, "last_serviced_on", &input.last_serviced_on);
    let service_due_on = optional_date(&mut problems, "service_due_on", &input.service_due_on);
    problems.finish()?;
    let id = new_id();
    let audit = owner.audit_entry("device.create", "ok", None, format!("device={id}"));
    Ok(state
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
                created_at: now_text(),
            },
            audit,
        )
        .await?)
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct FormularyInput {
    pub name: Option<String>,
    /// `glide` or `post_procedure`.
    #[serde(rename = "use")]
    pub use_for: Option<String>,
}

pub async fn add_formulary_item(
    state: &AppState,
    owner: &CurrentUser,
    input: &FormularyInput,
) -> Result<FormularyItem, AppError> {
    let mut problems = Problems::default();
    let name = required(&mut problems, "name", &input.name).to_string();
    let use_for = input.use_for.as_deref().unwrap_or("");
    if !matches!(use_for, "glide" | "post_procedure") {
        problems.add("use", "expected glide or post_procedure");
    }
    problems.finish()?;
    let id = new_id();
    let audit = owner.audit_entry("formulary.add", "ok", None, format!("item={id}"));
    Ok(state
        .store
        .add_formulary_item(
            FormularyItem {
                id,
                name,
                use_for: use_for.to_string(),
                created_at: now_text(),
            },
            audit,
        )
        .await?)
}

/// The clinic's opening hours, or the default until the owner sets them.
pub async fn opening_hours(state: &AppState) -> Result<OpeningHours, AppError> {
    match state.store.setting(OPENING_HOURS).await? {
        None => Ok(OpeningHours::weekdays_and_saturday_morning()),
        Some(value) => {
            let openings: Vec<Opening> = serde_json::from_value(value)
                .map_err(|e| AppError::Internal(format!("stored opening hours: {e}")))?;
            OpeningHours::new(openings).map_err(|e| AppError::Internal(format!("stored opening hours: {e}")))
        }
    }
}

pub async fn set_opening_hours(
    state: &AppState,
    owner: &CurrentUser,
    openings: Vec<Opening>,
) -> Result<OpeningHours, AppError> {
    let hours = OpeningHours::new(openings).map_err(|e| AppError::field("openings", e.to_string()))?;
    let value = serde_json::to_value(hours.openings()).map_err(|e| AppError::Internal(e.to_string()))?;
    let audit = owner.audit_entry("settings.opening_hours", "ok", None, "");
    state
        .store
        .set_setting(OPENING_HOURS, value, &now_text(), audit)
        .await?;
    Ok(hours)
}

/// The people who can be booked to treat: practitioners and owners, with their licences.
pub async fn practitioners(
    state: &AppState,
) -> Result<Vec<(needlepoint_store::User, Option<Licence>)>, AppError> {
    let mut out = Vec::new();
    for user in state.store.list_users().await? {
        if matches!(user.role, Role::Practitioner | Role::Owner) {
            let licence = state.store.licence(&user.id).await?;
            out.push((user, licence));
        }
    }
    Ok(out)
}
