//! Looking back: every use of a lot (for a recall), and a client's treatment history.

use jiff::Timestamp;
use jiff::civil::DateTime;
use needlepoint_domain::chart::treated_depths;
use needlepoint_domain::depth::Mm;
use needlepoint_store::{AppointmentFilter, AppointmentId, AuditAction, ChartId, ClientId, LotTrace};
use serde::Serialize;

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult};

pub async fn lot_trace(ctx: &Context, actor: &Actor, lot: &str) -> AppResult<Vec<LotTrace>> {
    ctx.authorize(actor, Action::TraceLot).await?;
    let lot = lot.trim();
    if lot.is_empty() || lot.chars().count() > 100 {
        return Err(AppError::field("lot", "a lot number of 1 to 100 characters"));
    }
    let uses = ctx.store.lot_trace(lot).await?;
    // Every client the answer names is an access to their record.
    let mut entries = vec![ctx.ok(
        actor,
        AuditAction::LotTrace,
        None,
        format!("lot={lot} results={}", uses.len()),
    )];
    let mut named: Vec<&ClientId> = uses.iter().map(|u| &u.client_id).collect();
    named.sort();
    named.dedup();
    for client in named {
        entries.push(ctx.ok(actor, AuditAction::LotTrace, Some(client), format!("lot={lot}")));
    }
    for entry in entries {
        ctx.audit.record_read(entry).await?;
    }
    Ok(uses)
}

/// One session in a client's treatment history.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub chart_id: ChartId,
    pub appointment_id: AppointmentId,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub starts_at: Option<DateTime>,
    /// Zone and depth actually used, as charted.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<(String, f64)>))]
    pub treated: Vec<(String, Mm)>,
    pub signed_at: Option<Timestamp>,
    pub amended: bool,
}

/// A client's charts, newest first. Three queries whatever the number of sessions: the charts,
/// the appointments and the amended chart ids.
pub async fn history(ctx: &Context, actor: &Actor, client_id: &ClientId) -> AppResult<Vec<HistoryEntry>> {
    ctx.authorize(actor, Action::ReadTreatmentHistory).await?;
    let charts = ctx.store.charts_for_client(client_id).await?;
    let appointments = ctx
        .store
        .appointments(&AppointmentFilter::client(client_id))
        .await?;
    let amended = ctx.store.amended_charts(client_id).await?;
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::ChartHistory,
            Some(client_id),
            format!("charts={}", charts.len()),
        ))
        .await?;
    let mut entries: Vec<HistoryEntry> = charts
        .into_iter()
        .map(|record| HistoryEntry {
            amended: amended.contains(&record.id),
            starts_at: appointments
                .iter()
                .find(|a| a.id == record.appointment_id)
                .map(|a| a.starts_at),
            treated: treated_depths(&record.chart),
            chart_id: record.id,
            appointment_id: record.appointment_id,
            signed_at: record.signed_at,
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.starts_at));
    Ok(entries)
}
