//! The clinic's own settings, set by the owner in the app: its name, phone and time zone, and the
//! opening hours. Until the owner sets them, the server's configuration (or defaults) apply.

use jiff::tz::TimeZone;
use needlepoint_domain::schedule::{Opening, OpeningHours};
use needlepoint_store::AuditAction;
use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problems};

const CLINIC: &str = "clinic";
const OPENING_HOURS: &str = "opening_hours";

/// The clinic as clients and staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClinicSettings {
    pub name: String,
    /// How clients reach the clinic about a warning sign, printed on their aftercare.
    pub phone: Option<String>,
    /// The clinic's time zone (IANA name, e.g. `Europe/London`); the server's own when absent.
    pub time_zone: Option<String>,
}

/// The stored settings, over the server's configuration.
pub async fn clinic(ctx: &Context) -> AppResult<ClinicSettings> {
    let defaults = ClinicSettings {
        name: ctx.config.clinic_name.clone(),
        phone: ctx.config.clinic_phone.clone(),
        time_zone: ctx.config.time_zone.clone(),
    };
    match ctx.store.setting(CLINIC).await? {
        None => Ok(defaults),
        Some(value) => {
            let stored: ClinicSettings = serde_json::from_value(value)
                .map_err(|e| AppError::Internal(format!("stored clinic settings: {e}")))?;
            Ok(ClinicSettings {
                phone: stored.phone.or(defaults.phone),
                time_zone: stored.time_zone.or(defaults.time_zone),
                ..stored
            })
        }
    }
}

/// What the owner sends to change them.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClinicInput {
    pub name: Option<String>,
    pub phone: Option<String>,
    /// An IANA time zone name, e.g. `Europe/London`.
    pub time_zone: Option<String>,
}

pub async fn set_clinic(ctx: &Context, actor: &Actor, input: &ClinicInput) -> AppResult<ClinicSettings> {
    ctx.authorize(actor, Action::ManageClinic).await?;
    let current = clinic(ctx).await?;
    let mut problems = Problems::default();
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let name = text(&input.name).unwrap_or(current.name);
    if name.chars().count() > 120 {
        problems.add("name", "at most 120 characters");
    }
    let time_zone = text(&input.time_zone).or(current.time_zone);
    if let Some(zone) = &time_zone
        && TimeZone::get(zone).is_err()
    {
        problems.add(
            "time_zone",
            format!("`{zone}` is not a time zone; use a name such as Europe/London"),
        );
    }
    problems.finish()?;
    let settings = ClinicSettings {
        name,
        phone: text(&input.phone).or(current.phone),
        time_zone,
    };
    let value = serde_json::to_value(&settings).map_err(AppError::internal)?;
    let audit = ctx.ok(actor, AuditAction::ClinicSettingsChange, None, "");
    ctx.store.set_setting(CLINIC, value, ctx.now(), audit).await?;
    Ok(settings)
}

/// The clinic's opening hours, or the default until the owner sets them.
pub async fn opening_hours(ctx: &Context) -> AppResult<OpeningHours> {
    match ctx.store.setting(OPENING_HOURS).await? {
        None => Ok(OpeningHours::weekdays_and_saturday_morning()),
        Some(value) => {
            let openings: Vec<Opening> = serde_json::from_value(value)
                .map_err(|e| AppError::Internal(format!("stored opening hours: {e}")))?;
            OpeningHours::new(openings).map_err(|e| AppError::Internal(format!("stored opening hours: {e}")))
        }
    }
}

/// The opening hours, for anyone on the staff.
pub async fn read_opening_hours(ctx: &Context, actor: &Actor) -> AppResult<OpeningHours> {
    ctx.authorize(actor, Action::ListResources).await?;
    opening_hours(ctx).await
}

pub async fn set_opening_hours(
    ctx: &Context,
    actor: &Actor,
    openings: Vec<Opening>,
) -> AppResult<OpeningHours> {
    ctx.authorize(actor, Action::ManageClinic).await?;
    let hours = OpeningHours::new(openings).map_err(|e| AppError::field("openings", e.to_string()))?;
    let value = serde_json::to_value(hours.openings()).map_err(AppError::internal)?;
    let audit = ctx.ok(actor, AuditAction::SettingsChange, None, "");
    ctx.store
        .set_setting(OPENING_HOURS, value, ctx.now(), audit)
        .await?;
    Ok(hours)
}
