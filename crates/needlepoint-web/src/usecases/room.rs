//! The treatment room: the check-in gate, the chart saved as it goes, co-signature, sign-off,
//! amendments, the client's aftercare and lot traceability.

use jiff::civil::Date;
use needlepoint_domain::chart::{Chart, ChartContext, ChartReview, review, treated_depths};
use needlepoint_domain::checkin::{ChangesSinceLastVisit, GateInput, GateResult, check};
use needlepoint_domain::depth::{DepthRange, Mm};
use needlepoint_domain::engine;
use needlepoint_domain::intake::parse;
use needlepoint_domain::plan::{CareSchedule, Decision};
use needlepoint_store::{
    AftercareLink, Amendment, Appointment, AppointmentChange, AppointmentFilter, AppointmentStatus,
    ChartRecord, ChartSignature, Client, LotTrace, LotUse,
};
use serde::{Deserialize, Serialize};

use super::booking::date_of;
use super::stored_plan::StoredPlan;
use super::{Problems, intakes, new_id};
use crate::auth::CurrentUser;
use crate::auth::session::{now_text, now_unix, random_token, token_hash};
use crate::error::AppError;
use crate::state::AppState;

/// How long a client's aftercare link keeps working.
pub const AFTERCARE_LINK_DAYS: i64 = 30;

fn decision_named(name: &str) -> Decision {
    match name {
        "proceed" => Decision::Proceed,
        "proceed_with_precautions" => Decision::ProceedWithPrecautions,
        "defer" => Decision::Defer,
        "refer" => Decision::Refer,
        // Anything unreadable is treated as the hard stop: never the permissive side.
        _ => Decision::NotCandidate,
    }
}

fn session_date(appointment: &Appointment) -> Result<Date, AppError> {
    date_of(&appointment.starts_at)
        .ok_or_else(|| AppError::Internal(format!("appointment {} time", appointment.id)))
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckInInput {
    /// The appointment's version, as last read.
    pub version: Option<i64>,
    /// The answers to "anything changed since your last visit?".
    #[schema(value_type = Object)]
    pub changes: Option<ChangesSinceLastVisit>,
    /// When anything changed: the updated intake (as in the contract), which screens the client
    /// again before the session.
    #[schema(value_type = Object)]
    pub intake: Option<serde_json::Value>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckedIn {
    #[schema(value_type = Object)]
    pub appointment: Appointment,
    pub chart_id: String,
    #[schema(value_type = Object)]
    pub gate: GateResult,
}

pub async fn check_in(
    state: &AppState,
    user: &CurrentUser,
    appointment_id: &str,
    input: &CheckInInput,
) -> Result<CheckedIn, AppError> {
    let appointment = state
        .store
        .appointment(appointment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "required: the version you last read"))?;
    if appointment.status != AppointmentStatus::Booked {
        return Err(AppError::Frozen {
            message: format!(
                "the appointment is {}; only a booked appointment can be checked in",
                appointment.status.name()
            ),
        });
    }
    let day = session_date(&appointment)?;
    let mut rescreened = None;
    if let (Some(changes), Some(body)) = (input.changes, &input.intake)
        && changes.any()
    {
        if !user.role().is_clinical() {
            return Err(AppError::Forbidden);
        }
        let (record, _) = intakes::create(state, user, &appointment.client_id, body).await?;
        rescreened = Some(record);
    }
    let latest = match &rescreened {
        Some(record) => record.clone(),
        None => state
            .store
            .intakes_for_client(&appointment.client_id)
            .await?
            .into_iter()
            .max_by_key(|i| i.number)
            .ok_or(AppError::NotFound)?,
    };
    let plan = StoredPlan::read(&latest, &state.store.depth_overrides(&latest.id).await?)?;
    let gate = check(&GateInput {
        session_date: day,
        treatment_consent_valid: intakes::treatment_consent_valid(state, &appointment.client_id).await?,
        decision: decision_named(&plan.decision),
        defer_until: plan.defer_until,
        changes: input.changes,
        rescreened_after_changes: rescreened.is_some(),
    });
    if !gate.may_start {
        state
            .audit
            .record(user.audit_entry(
                "appointment.check_in",
                "refused",
                Some(&appointment.client_id),
                format!(
                    "appointment={appointment_id} blockers={}",
                    gate.blockers.iter().map(|b| b.code).collect::<Vec<_>>().join(",")
                ),
            ))
            .await?;
        return Err(AppError::invalid(
            "the session cannot start yet",
            gate.blockers
                .iter()
                .map(|b| (b.code.to_string(), b.message.clone()))
                .collect(),
        ));
    }
    let chart = Chart {
        changes_since_last_visit: input.changes,
        ..Chart::default()
    };
    let chart_json = serde_json::to_value(&chart).map_err(|e| AppError::Internal(e.to_string()))?;
    let chart_id = new_id();
    let audit = user.audit_entry(
        "appointment.check_in",
        "ok",
        Some(&appointment.client_id),
        format!(
            "appointment={appointment_id} chart={chart_id} rescreened={}",
            rescreened.is_some()
        ),
    );
    let (appointment, chart) = state
        .store
        .check_in(
            AppointmentChange {
                id: appointment_id.to_string(),
                expected_version: version,
                status: AppointmentStatus::CheckedIn,
                reason: None,
                new_time: None,
                new_intake_id: rescreened.map(|r| r.id),
                updated_at: now_text(),
            },
            ChartRecord {
                id: chart_id,
                appointment_id: appointment_id.to_string(),
                client_id: appointment.client_id.clone(),
                chart: chart_json,
                version: 1,
                cosigned_by: None,
                cosigned_at: None,
                signed_by: None,
                signed_at: None,
                created_at: now_text(),
                updated_at: now_text(),
            },
            audit,
        )
        .await?;
    Ok(CheckedIn {
        appointment,
        chart_id: chart.id,
        gate,
    })
}

/// A chart with everything the room and the review need around it.
pub struct ChartView {
    pub record: ChartRecord,
    pub chart: Chart,
    pub appointment: Appointment,
    pub client: Client,
    pub planned: Vec<(String, Mm)>,
    pub review: ChartReview,
    pub amendments: Vec<Amendment>,
    pub formulary: Vec<String>,
    pub licence_max: Mm,
}

fn read_chart(record: &ChartRecord) -> Result<Chart, AppError> {
    serde_json::from_value(record.chart.clone())
        .map_err(|e| AppError::Internal(format!("stored chart {}: {e}", record.id)))
}

async fn view(state: &AppState, record: ChartRecord, chart: Chart) -> Result<ChartView, AppError> {
    let store = &state.store;
    let appointment = store
        .appointment(&record.appointment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let client = store.client(&record.client_id).await?.ok_or(AppError::NotFound)?;
    let intake = store
        .intake(&appointment.intake_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan = StoredPlan::read(&intake, &store.depth_overrides(&intake.id).await?)?;
    let planned: Vec<(String, Mm)> = plan
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
        &chart,
        &ChartContext {
            protocol: &state.protocol,
            session_date: session_date(&appointment)?,
            planned: &planned,
            device_range,
            booked_serial: &device.serial,
            licence_max,
            formulary: &formulary,
            cosigned: record.cosigned_by.is_some(),
        },
    );
    let amendments = store.amendments(&record.id).await?;
    Ok(ChartView {
        record,
        chart,
        appointment,
        client,
        planned,
        review,
        amendments,
        formulary,
        licence_max,
    })
}

pub async fn chart(state: &AppState, user: &CurrentUser, id: &str) -> Result<ChartView, AppError> {
    let record = state.store.chart(id).await?.ok_or(AppError::NotFound)?;
    state
        .audit
        .record_read(user.audit_entry("chart.read", "ok", Some(&record.client_id), format!("chart={id}")))
        .await?;
    let chart = read_chart(&record)?;
    view(state, record, chart).await
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct ChartInput {
    /// The chart's version, as last read.
    pub version: i64,
    /// The whole chart document; every save replaces it.
    #[schema(value_type = Object)]
    pub chart: serde_json::Value,
}

/// Saves the chart as it stands. Refusals (an expired lot, a zone outside the plan, a depth the
/// device cannot reach) stop the save with the field named; what is merely unfinished does not.
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    input: ChartInput,
) -> Result<ChartView, AppError> {
    let record = state.store.chart(id).await?.ok_or(AppError::NotFound)?;
    if record.signed_at.is_some() {
        return Err(AppError::Frozen {
            message: "the chart is signed and never changes: add an amendment instead".into(),
        });
    }
    let chart: Chart = serde_json::from_value(input.chart.clone())
        .map_err(|e| AppError::field("chart", format!("not a chart: {e}")))?;
    let checked = view(state, record.clone(), chart.clone()).await?;
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
    let normalised = serde_json::to_value(&chart).map_err(|e| AppError::Internal(e.to_string()))?;
    let audit = user.audit_entry("chart.save", "ok", Some(&record.client_id), format!("chart={id}"));
    let saved = state
        .store
        .save_chart(id, input.version, normalised, &now_text(), audit)
        .await?;
    // The context (plan, device, licence, formulary) cannot change with the chart's own save:
    // reuse it rather than read it all again.
    Ok(ChartView {
        record: saved,
        ..checked
    })
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct VersionInput {
    pub version: i64,
}

/// A supervising clinician co-signs the depths above the practitioner's licence or a zone's bounds.
pub async fn cosign(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    version: i64,
) -> Result<ChartView, AppError> {
    let current = chart(state, user, id).await?;
    if current.appointment.practitioner_id == user.user.id {
        return Err(AppError::field(
            "cosigner",
            "the co-signature comes from a supervising clinician, not the treating practitioner",
        ));
    }
    let deepest = treated_depths(&current.chart)
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
    let own = state.store.licence(&user.user.id).await?;
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
    let audit = user.audit_entry(
        "chart.cosign",
        "ok",
        Some(&current.record.client_id),
        format!("chart={id}"),
    );
    let record = state
        .store
        .cosign_chart(id, version, &user.user.id, &now_text(), audit)
        .await?;
    let chart = read_chart(&record)?;
    view(state, record, chart).await
}

/// Every lot a chart used, as the signature records them for recalls.
pub fn lots(chart: &Chart) -> Vec<LotUse> {
    let mut lots = Vec::new();
    if let Some(c) = &chart.cartridge {
        lots.push(LotUse {
            lot: c.lot.clone(),
            kind: "cartridge".into(),
            product: "needle cartridge".into(),
        });
    }
    if let Some(g) = &chart.glide {
        lots.push(LotUse {
            lot: g.lot.clone(),
            kind: "glide".into(),
            product: g.product.clone(),
        });
    }
    for p in &chart.post_products {
        lots.push(LotUse {
            lot: p.lot.clone(),
            kind: "post_procedure".into(),
            product: p.product.clone(),
        });
    }
    lots.retain(|l| !l.lot.trim().is_empty());
    lots
}

/// The treating practitioner signs; from then on the chart never changes.
pub async fn sign(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    version: i64,
) -> Result<ChartView, AppError> {
    let current = chart(state, user, id).await?;
    if current.appointment.practitioner_id != user.user.id {
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
    let audit = user.audit_entry(
        "chart.sign",
        "ok",
        Some(&current.record.client_id),
        format!("chart={id}"),
    );
    let record = state
        .store
        .sign_chart(
            ChartSignature {
                chart_id: id.to_string(),
                expected_version: version,
                signed_by: user.user.id.clone(),
                signed_at: now_text(),
                used_on: session_date(&current.appointment)?.to_string(),
                lots: lots(&current.chart),
            },
            audit,
        )
        .await?;
    let chart = read_chart(&record)?;
    view(state, record, chart).await
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AmendmentInput {
    pub reason: Option<String>,
    /// The correction, in words; the original stays as it was.
    pub text: Option<String>,
}

pub async fn amend(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    input: &AmendmentInput,
) -> Result<Amendment, AppError> {
    let record = state.store.chart(id).await?.ok_or(AppError::NotFound)?;
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
    let amendment_id = new_id();
    let audit = user.audit_entry(
        "chart.amend",
        "ok",
        Some(&record.client_id),
        format!("chart={id} amendment={amendment_id}"),
    );
    Ok(state
        .store
        .add_amendment(
            Amendment {
                id: amendment_id,
                chart_id: id.to_string(),
                author_id: user.user.id.clone(),
                reason: reason.to_string(),
                text: text.to_string(),
                created_at: now_text(),
            },
            audit,
        )
        .await?)
}

/// The client's aftercare for a signed session.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Aftercare {
    pub client_name: String,
    pub session_date: String,
    /// The depths actually used, zone by zone.
    pub treated: Vec<TreatedZone>,
    #[schema(value_type = Object)]
    pub care: CareSchedule,
    /// The next booked session, when there is one.
    pub next_session: Option<String>,
    pub clinic_name: String,
    pub clinic_phone: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TreatedZone {
    pub zone: String,
    pub label: String,
    #[schema(value_type = f64)]
    pub depth_mm: Mm,
}

async fn build_aftercare(state: &AppState, view: &ChartView) -> Result<Aftercare, AppError> {
    if view.record.signed_at.is_none() {
        return Err(AppError::Frozen {
            message: "the aftercare follows the signed chart: sign it first".into(),
        });
    }
    let intake_record = state
        .store
        .intake(&view.appointment.intake_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let intake = parse::from_value(&intake_record.intake, &state.protocol)
        .map_err(|_| AppError::Internal(format!("stored intake {} no longer reads", intake_record.id)))?;
    let plan = engine::plan(&state.protocol, &intake);
    let treated = treated_depths(&view.chart);
    let day = session_date(&view.appointment)?;
    let care = engine::aftercare(&state.protocol, &intake, &plan.zones, &treated, day);
    let next_session = state
        .store
        .appointments(&AppointmentFilter {
            client_id: Some(view.client.id.clone()),
            from: view.appointment.ends_at.clone(),
            to: "9999".into(),
            ..Default::default()
        })
        .await?
        .into_iter()
        .find(|a| a.status == AppointmentStatus::Booked)
        .map(|a| a.starts_at);
    Ok(Aftercare {
        client_name: format!(
            "{} {}",
            view.client.fields.given_name, view.client.fields.family_name
        ),
        session_date: day.to_string(),
        treated: treated
            .into_iter()
            .map(|(zone, depth_mm)| TreatedZone {
                label: state
                    .protocol
                    .zone(&zone)
                    .map_or_else(|| zone.clone(), |z| z.label.clone()),
                zone,
                depth_mm,
            })
            .collect(),
        care,
        next_session,
        clinic_name: state.config.clinic_name.clone(),
        clinic_phone: state.config.clinic_phone.clone(),
    })
}

pub async fn aftercare(state: &AppState, user: &CurrentUser, chart_id: &str) -> Result<Aftercare, AppError> {
    let view = chart(state, user, chart_id).await?;
    build_aftercare(state, &view).await
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AftercareLinkOut {
    /// The path to give the client (prefix it with the clinic's address).
    pub path: String,
    pub expires_at_unix: i64,
}

/// A private, read-only link for the client's phone. Only the token's hash is stored.
pub async fn create_link(
    state: &AppState,
    user: &CurrentUser,
    chart_id: &str,
) -> Result<AftercareLinkOut, AppError> {
    let view = chart(state, user, chart_id).await?;
    if view.record.signed_at.is_none() {
        return Err(AppError::Frozen {
            message: "the aftercare follows the signed chart: sign it first".into(),
        });
    }
    let token = random_token()?;
    let expires_at_unix = now_unix() + AFTERCARE_LINK_DAYS * 24 * 3600;
    let audit = user.audit_entry(
        "aftercare.link",
        "ok",
        Some(&view.client.id),
        format!("chart={chart_id}"),
    );
    state
        .store
        .add_aftercare_link(
            AftercareLink {
                token_hash: token_hash(&token),
                chart_id: chart_id.to_string(),
                expires_at_unix,
                created_by: user.user.id.clone(),
                created_at: now_text(),
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
pub async fn aftercare_by_link(state: &AppState, token: &str) -> Result<Aftercare, AppError> {
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let link = state
        .store
        .aftercare_link(&token_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    if link.expires_at_unix < now_unix() {
        return Err(AppError::NotFound);
    }
    let record = state
        .store
        .chart(&link.chart_id)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .audit
        .record(needlepoint_store::NewAuditEntry {
            at: now_text(),
            user_id: None,
            client_id: Some(record.client_id.clone()),
            action: "aftercare.view_by_link".into(),
            outcome: "ok".into(),
            detail: format!("chart={}", record.id),
        })
        .await?;
    let chart = read_chart(&record)?;
    let view = view(state, record, chart).await?;
    build_aftercare(state, &view).await
}

pub async fn lot_trace(state: &AppState, user: &CurrentUser, lot: &str) -> Result<Vec<LotTrace>, AppError> {
    let lot = lot.trim();
    if lot.is_empty() || lot.len() > 100 {
        return Err(AppError::field("lot", "a lot number of 1 to 100 characters"));
    }
    let uses = state.store.lot_trace(lot).await?;
    state
        .audit
        .record_read(user.audit_entry(
            "lot.trace",
            "ok",
            None,
            format!("lot={lot} results={}", uses.len()),
        ))
        .await?;
    Ok(uses)
}

/// One session in a client's treatment history.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub chart_id: String,
    pub appointment_id: String,
    pub starts_at: String,
    /// Zone and depth actually used, as charted.
    pub treated: Vec<(String, f64)>,
    pub signed_at: Option<String>,
    pub amended: bool,
}

/// A client's charts, newest first. Three queries whatever the number of sessions: the charts,
/// the appointments and the amended chart ids.
pub async fn history(
    state: &AppState,
    user: &CurrentUser,
    client_id: &str,
) -> Result<Vec<HistoryEntry>, AppError> {
    let charts = state.store.charts_for_client(client_id).await?;
    let appointments = state
        .store
        .appointments(&AppointmentFilter {
            client_id: Some(client_id.to_string()),
            from: "0000".into(),
            to: "9999".into(),
            ..Default::default()
        })
        .await?;
    let amended = state.store.amended_charts(client_id).await?;
    state
        .audit
        .record_read(user.audit_entry(
            "chart.history",
            "ok",
            Some(client_id),
            format!("charts={}", charts.len()),
        ))
        .await?;
    let mut entries: Vec<HistoryEntry> = charts
        .into_iter()
        .map(|record| {
            let chart: Chart = serde_json::from_value(record.chart.clone()).unwrap_or_default();
            let starts_at = appointments
                .iter()
                .find(|a| a.id == record.appointment_id)
                .map(|a| a.starts_at.clone())
                .unwrap_or_default();
            HistoryEntry {
                amended: amended.contains(&record.id),
                chart_id: record.id,
                appointment_id: record.appointment_id,
                starts_at,
                treated: treated_depths(&chart)
                    .into_iter()
                    .map(|(z, d)| (z, d.as_mm()))
                    .collect(),
                signed_at: record.signed_at,
            }
        })
        .collect();
    entries.sort_by(|a, b| b.starts_at.cmp(&a.starts_at));
    Ok(entries)
}
