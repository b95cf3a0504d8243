//! The client's aftercare, from the depths actually used: printed for them, or behind a private
//! link for their phone.

use jiff::civil::{Date, DateTime};
use needlepoint_domain::chart::treated_depths;
use needlepoint_domain::depth::Mm;
use needlepoint_domain::engine;
use needlepoint_domain::intake::parse;
use needlepoint_domain::plan::CareSchedule;
use needlepoint_store::{AftercareLink, AppointmentFilter, AppointmentStatus, AuditAction, ChartId};
use serde::Serialize;

use super::chart::{ChartView, chart};
use crate::access::{Action, Actor};
use crate::accounts::{random_token, token_hash};
use crate::context::Context;
use crate::error::{AppError, AppResult};

/// How long a client's aftercare link keeps working.
pub const AFTERCARE_LINK_DAYS: i64 = 30;

/// The client's aftercare for a signed session.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Aftercare {
    pub client_name: String,
    pub session_date: Date,
    /// The depths actually used, zone by zone.
    pub treated: Vec<TreatedZone>,
    pub care: CareSchedule,
    /// The next booked session, when there is one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub next_session: Option<DateTime>,
    pub clinic_name: String,
    pub clinic_phone: Option<String>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TreatedZone {
    pub zone: String,
    pub label: String,
    pub depth_mm: Mm,
}

fn unsigned() -> AppError {
    AppError::Frozen {
        message: "the aftercare follows the signed chart: sign it first".into(),
    }
}

async fn build(ctx: &Context, view: &ChartView) -> AppResult<Aftercare> {
    if !view.record.is_signed() {
        return Err(unsigned());
    }
    let intake_record = ctx
        .store
        .intake(&view.appointment.intake_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let intake = parse::from_value(&intake_record.intake, &ctx.protocol)
        .map_err(|_| AppError::Internal(format!("stored intake {} no longer reads", intake_record.id)))?;
    let plan = engine::plan(&ctx.protocol, &intake);
    let treated = treated_depths(view.chart());
    let day = view.appointment.starts_at.date();
    let care = engine::aftercare(&ctx.protocol, &intake, &plan.zones, &treated, day);
    let next_session = ctx
        .store
        .appointments(&AppointmentFilter {
            from: Some(view.appointment.ends_at),
            ..AppointmentFilter::client(&view.client.id)
        })
        .await?
        .into_iter()
        .find(|a| a.status == AppointmentStatus::Booked)
        .map(|a| a.starts_at);
    let clinic = crate::settings::clinic(ctx).await?;
    Ok(Aftercare {
        client_name: view.client.fields.full_name(),
        session_date: day,
        treated: treated
            .into_iter()
            .map(|(zone, depth_mm)| TreatedZone {
                label: ctx.protocol.zone_label(&zone),
                zone,
                depth_mm,
            })
            .collect(),
        care,
        next_session,
        clinic_name: clinic.name,
        clinic_phone: clinic.phone,
    })
}

pub async fn aftercare(ctx: &Context, actor: &Actor, chart_id: &ChartId) -> AppResult<Aftercare> {
    ctx.authorize(actor, Action::ReadAftercare).await?;
    let view = chart(ctx, actor, chart_id).await?;
    build(ctx, &view).await
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AftercareLinkOut {
    /// The path to give the client (prefix it with the clinic's address).
    pub path: String,
    pub expires_at_unix: i64,
}

/// A private, read-only link for the client's phone. Only the token's hash is stored.
pub async fn create_link(ctx: &Context, actor: &Actor, chart_id: &ChartId) -> AppResult<AftercareLinkOut> {
    let by = ctx.staff(actor, Action::MakeAftercareLink).await?;
    let view = chart(ctx, actor, chart_id).await?;
    if !view.record.is_signed() {
        return Err(unsigned());
    }
    let token = random_token()?;
    let expires_at_unix = ctx.now().as_second() + AFTERCARE_LINK_DAYS * 24 * 3600;
    let audit = ctx.ok(
        actor,
        AuditAction::AftercareLink,
        Some(&view.client.id),
        format!("chart={chart_id}"),
    );
    ctx.store
        .add_aftercare_link(
            AftercareLink {
                token_hash: token_hash(&token),
                chart_id: chart_id.clone(),
                expires_at_unix,
                created_by: by.id.clone(),
                created_at: ctx.now(),
            },
            audit,
        )
        .await?;
    Ok(AftercareLinkOut {
        path: format!("/aftercare/{token}"),
        expires_at_unix,
    })
}

/// What the client's link shows. An unknown or expired token is simply not found.
pub async fn aftercare_by_link(ctx: &Context, token: &str) -> AppResult<Aftercare> {
    ctx.authorize(&Actor::Anonymous, Action::ReadAftercareByLink)
        .await?;
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let link = ctx
        .store
        .aftercare_link(&token_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    if link.expires_at_unix < ctx.now().as_second() {
        return Err(AppError::NotFound);
    }
    let record = ctx.store.chart(&link.chart_id).await?.ok_or(AppError::NotFound)?;
    let entry = ctx.ok(
        &Actor::Anonymous,
        AuditAction::AftercareViewByLink,
        Some(&record.client_id),
        format!("chart={}", record.id),
    );
    ctx.audit.record(entry).await?;
    let chart = record.chart.clone();
    let view = super::chart::view_of(ctx, record, &chart).await?;
    build(ctx, &view).await
}
