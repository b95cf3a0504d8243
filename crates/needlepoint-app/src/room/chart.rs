//! The chart: read with everything its review needs, saved as it goes, co-signed, signed (and
//! then never changed), amended.

use needlepoint_domain::chart::{Chart, ChartContext, ChartReview, review, treated_depths};
use needlepoint_domain::depth::{DepthRange, Mm};
use needlepoint_store::{
    Amendment, AmendmentId, Appointment, AuditAction, ChartId, ChartRecord, ChartSignature, Client, LotKind,
    LotUse, UserId,
};
use serde::Deserialize;

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problems};
use crate::plans::CurrentPlan;

/// A chart with everything the room and the review need around it.
pub struct ChartView {
    pub record: ChartRecord,
    pub appointment: Appointment,
    pub client: Client,
    pub planned: Vec<(String, Mm)>,
    pub review: ChartReview,
    pub amendments: Vec<Amendment>,
    pub formulary: Vec<String>,
    pub licence_max: Mm,
    /// Who signed and who co-signed, as the clinic knows them (their sign-in email).
    pub signer: Option<String>,
    pub cosigner: Option<String>,
    /// The clinic's time zone, for showing the signature and amendment times.
    pub time_zone: jiff::tz::TimeZone,
}

impl ChartView {
    pub fn chart(&self) -> &Chart {
        &self.record.chart
    }
}

/// The chart's surroundings, and its review of `chart` (which may be a draft not yet saved).
pub(super) async fn view_of(ctx: &Context, record: ChartRecord, chart: &Chart) -> AppResult<ChartView> {
    let store = &ctx.store;
    let appointment = store
        .appointment(&record.appointment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let client = store.client(&record.client_id).await?.ok_or(AppError::NotFound)?;
    let intake = store
        .intake(&appointment.intake_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let overrides = store.depth_overrides(&intake.id).await?;
    let planned: Vec<(String, Mm)> = CurrentPlan::read(intake, &overrides)
        .zones
        .into_iter()
        .filter(|(z, _)| appointment.zones.contains(z))
        .collect();
    let device = store
        .devices()
        .await?
        .into_iter()
        .find(|d| d.id == appointment.device_id)
        .ok_or(AppError::NotFound)?;
    let device_range = DepthRange::new(
        Mm::from_hundredths(device.min_hundredths),
        Mm::from_hundredths(device.max_hundredths),
    )
    .ok_or_else(|| AppError::Internal(format!("device {} range", device.id)))?;
    let licence_max = store
        .licence(&appointment.practitioner_id)
        .await?
        .map_or(Mm::ZERO, |l| Mm::from_hundredths(l.max_depth_hundredths));
    let formulary: Vec<String> = store.formulary().await?.into_iter().map(|f| f.name).collect();
    let review = review(
        chart,
        &ChartContext {
            protocol: &ctx.protocol,
            session_date: appointment.starts_at.date(),
            planned: &planned,
            device_range,
            booked_serial: &device.serial,
            licence_max,
            formulary: &formulary,
            cosigned: record.cosigned_by.is_some(),
        },
    );
    let amendments = store.amendments(&record.id).await?;
    let signer = person(ctx, record.signed_by.as_ref()).await?;
    let cosigner = person(ctx, record.cosigned_by.as_ref()).await?;
    Ok(ChartView {
        record,
        appointment,
        client,
        planned,
        review,
        amendments,
        formulary,
        licence_max,
        signer,
        cosigner,
        time_zone: ctx.time_zone().await?,
    })
}

async fn person(ctx: &Context, id: Option<&UserId>) -> AppResult<Option<String>> {
    Ok(match id {
        Some(id) => ctx.store.user(id).await?.map(|u| u.email),
        None => None,
    })
}

/// Reads a chart (with its review) and records the read.
pub async fn chart(ctx: &Context, actor: &Actor, id: &ChartId) -> AppResult<ChartView> {
    ctx.authorize(actor, Action::ReadChart).await?;
    let record = ctx.store.chart(id).await?.ok_or(AppError::NotFound)?;
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::ChartRead,
            Some(&record.client_id),
            format!("chart={id}"),
        ))
        .await?;
    let chart = record.chart.clone();
    view_of(ctx, record, &chart).await
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartInput {
    /// The chart's version, as last read.
    pub version: i64,
    /// The whole chart document; every save replaces it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub chart: serde_json::Value,
}

/// Saves the chart as it stands. Refusals (an expired lot, a zone outside the plan, a depth the
/// device cannot reach) stop the save with the field named; what is merely unfinished does not.
pub async fn save(ctx: &Context, actor: &Actor, id: &ChartId, input: ChartInput) -> AppResult<ChartView> {
    ctx.authorize(actor, Action::SaveChart).await?;
    let record = ctx.store.chart(id).await?.ok_or(AppError::NotFound)?;
    if record.is_signed() {
        return Err(AppError::Frozen {
            message: "the chart is signed and never changes: add an amendment instead".into(),
        });
    }
    let chart: Chart = serde_json::from_value(input.chart)
        .map_err(|e| AppError::field("chart", format!("not a chart: {e}")))?;
    let checked = view_of(ctx, record, &chart).await?;
    if !checked.review.refusals.is_empty() {
        return Err(AppError::invalid(
            "the chart cannot be saved as it is",
            checked
                .review
                .refusals
                .iter()
                .map(|p| (format!("chart.{}", p.field), p.message.clone()))
                .collect(),
        ));
    }
    let audit = ctx.ok(
        actor,
        AuditAction::ChartSave,
        Some(&checked.record.client_id),
        format!("chart={id}"),
    );
    let saved = ctx
        .store
        .save_chart(id, input.version, chart, ctx.now(), audit)
        .await?;
    // The context (plan, device, licence, formulary) cannot change with the chart's own save:
    // reuse it rather than read it all again.
    Ok(ChartView {
        record: saved,
        ..checked
    })
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInput {
    pub version: i64,
}

/// A supervising clinician co-signs the depths above the practitioner's licence or a zone's bounds.
pub async fn cosign(ctx: &Context, actor: &Actor, id: &ChartId, version: i64) -> AppResult<ChartView> {
    let cosigner = ctx.staff(actor, Action::CosignChart).await?;
    let current = chart(ctx, actor, id).await?;
    if current.appointment.practitioner_id == cosigner.id {
        return Err(AppError::field(
            "cosigner",
            "the co-signature comes from a supervising clinician, not the treating practitioner",
        ));
    }
    let deepest = treated_depths(current.chart())
        .into_iter()
        .filter(|(zone, _)| current.review.needs_cosign.contains(zone))
        .map(|(_, depth)| depth)
        .max();
    let Some(deepest) = deepest else {
        return Err(AppError::field(
            "chart",
            "no depth on this chart needs a co-signature",
        ));
    };
    let own = ctx.store.licence(&cosigner.id).await?;
    if own
        .as_ref()
        .is_none_or(|l| l.max_depth_hundredths < deepest.hundredths())
    {
        return Err(AppError::field(
            "cosigner",
            format!(
                "a co-signer's own licence must allow {deepest} mm; yours is not on record at that depth"
            ),
        ));
    }
    let audit = ctx.ok(
        actor,
        AuditAction::ChartCosign,
        Some(&current.record.client_id),
        format!("chart={id}"),
    );
    let record = ctx
        .store
        .cosign_chart(id, version, &cosigner.id, ctx.now(), audit)
        .await?;
    let chart = record.chart.clone();
    view_of(ctx, record, &chart).await
}

/// Every lot a chart used, as the signature records them for recalls.
pub fn lots(chart: &Chart) -> Vec<LotUse> {
    let mut lots = Vec::new();
    if let Some(c) = &chart.cartridge {
        lots.push(LotUse {
            lot: c.lot.clone(),
            kind: LotKind::Cartridge,
            product: "needle cartridge".into(),
        });
    }
    if let Some(g) = &chart.glide {
        lots.push(LotUse {
            lot: g.lot.clone(),
            kind: LotKind::Glide,
            product: g.product.clone(),
        });
    }
    for p in &chart.post_products {
        lots.push(LotUse {
            lot: p.lot.clone(),
            kind: LotKind::PostProcedure,
            product: p.product.clone(),
        });
    }
    lots.retain(|l| !l.lot.trim().is_empty());
    lots
}

/// The treating practitioner signs; from then on the chart never changes.
pub async fn sign(ctx: &Context, actor: &Actor, id: &ChartId, version: i64) -> AppResult<ChartView> {
    let signer = ctx.staff(actor, Action::SignChart).await?;
    let current = chart(ctx, actor, id).await?;
    if current.appointment.practitioner_id != signer.id {
        return Err(AppError::field(
            "signer",
            "the practitioner who treated the client signs the chart",
        ));
    }
    if !current.review.may_sign() {
        let mut problems = Problems::default();
        for p in current
            .review
            .refusals
            .iter()
            .chain(&current.review.sign_blockers)
        {
            problems.add(&format!("chart.{}", p.field), p.message.clone());
        }
        problems.finish()?;
    }
    let audit = ctx.ok(
        actor,
        AuditAction::ChartSign,
        Some(&current.record.client_id),
        format!("chart={id}"),
    );
    let record = ctx
        .store
        .sign_chart(
            ChartSignature {
                chart_id: id.clone(),
                expected_version: version,
                signed_by: signer.id.clone(),
                signed_at: ctx.now(),
                used_on: current.appointment.starts_at.date(),
                lots: lots(current.chart()),
            },
            audit,
        )
        .await?;
    let chart = record.chart.clone();
    view_of(ctx, record, &chart).await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AmendmentInput {
    pub reason: Option<String>,
    /// The correction, in words; the original stays as it was.
    pub text: Option<String>,
}

pub async fn amend(
    ctx: &Context,
    actor: &Actor,
    id: &ChartId,
    input: &AmendmentInput,
) -> AppResult<Amendment> {
    let author = ctx.staff(actor, Action::AmendChart).await?;
    let record = ctx.store.chart(id).await?.ok_or(AppError::NotFound)?;
    let mut problems = Problems::default();
    let reason = input.reason.as_deref().map(str::trim).unwrap_or("");
    let text = input.text.as_deref().map(str::trim).unwrap_or("");
    if reason.is_empty() {
        problems.add("reason", "say why the chart is amended");
    }
    if text.is_empty() {
        problems.add("text", "write the correction");
    }
    problems.finish()?;
    let amendment_id = AmendmentId::new();
    let audit = ctx.ok(
        actor,
        AuditAction::ChartAmend,
        Some(&record.client_id),
        format!("chart={id} amendment={amendment_id}"),
    );
    Ok(ctx
        .store
        .add_amendment(
            Amendment {
                id: amendment_id,
                chart_id: id.clone(),
                author_id: author.id.clone(),
                reason: reason.to_string(),
                text: text.to_string(),
                created_at: ctx.now(),
            },
            audit,
        )
        .await?)
}
