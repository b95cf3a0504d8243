//! The treatment-room chart: one page, tablet first, saved as it goes (the form also works with
//! an explicit Save button when scripts are off), then co-signed, signed and amended.

use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_domain::chart::{
    AdverseEvent, AnaestheticUse, Cartridge, Chart, Endpoint, ProductUse, ZoneRecord,
};
use needlepoint_store::ChartId;
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::Id;

use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{Pairs, csrf_field, error_summary};
use crate::ui::layout::page;
use needlepoint_app::AppError;
use needlepoint_app::room::{self, AmendmentInput, ChartInput, ChartView};

const ENDPOINTS: [(Endpoint, &str, &str); 3] = [
    (Endpoint::Erythema, "erythema", "Even redness"),
    (
        Endpoint::PinpointBleeding,
        "pinpoint_bleeding",
        "Pinpoint bleeding",
    ),
    (Endpoint::StoppedEarly, "stopped_early", "Stopped early"),
];

fn ticked(pairs: &Pairs, name: &str) -> bool {
    pairs.get(name) == Some("true")
}

fn number<T: std::str::FromStr>(pairs: &Pairs, name: &str) -> Option<T> {
    pairs.text(name).and_then(|t| t.parse().ok())
}

fn product(pairs: &Pairs, prefix: &str) -> Option<ProductUse> {
    let chosen = pairs.text(&format!("{prefix}_product")).filter(|p| p != "other");
    let name = chosen.or_else(|| pairs.text(&format!("{prefix}_other")))?;
    Some(ProductUse {
        product: name,
        lot: pairs.text(&format!("{prefix}_lot")).unwrap_or_default(),
        off_formulary_reason: pairs.text(&format!("{prefix}_reason")),
    })
}

/// Reads the chart form back into a chart. Values that cannot be read (a depth typed as text)
/// are kept out and show up as missing, never as a guess.
fn chart_from_form(pairs: &Pairs, planned: &[String]) -> Chart {
    let agent = pairs.text("anaesthetic_agent");
    let anaesthetic = agent.map(|agent| AnaestheticUse {
        agent,
        concentration: pairs.text("anaesthetic_concentration").unwrap_or_default(),
        areas: pairs.all("anaesthetic_areas"),
        applied_at: number(pairs, "anaesthetic_applied_at"),
        removed_at: number(pairs, "anaesthetic_removed_at"),
        occlusion: ticked(pairs, "anaesthetic_occlusion"),
    });
    let cartridge_lot = pairs.text("cartridge_lot");
    let cartridge_expiry = number(pairs, "cartridge_expiry");
    let cartridge = (cartridge_lot.is_some()
        || cartridge_expiry.is_some()
        || ticked(pairs, "cartridge_sterile_pack_intact"))
    .then(|| Cartridge {
        lot: cartridge_lot.unwrap_or_default(),
        expiry: cartridge_expiry,
        sterile_pack_intact: ticked(pairs, "cartridge_sterile_pack_intact"),
    });
    let zones = planned
        .iter()
        .filter_map(|zone| {
            let field = |name: &str| format!("zone_{zone}_{name}");
            let record = ZoneRecord {
                zone: zone.clone(),
                actual_depth_mm: number(pairs, &field("depth")),
                passes: number(pairs, &field("passes")),
                speed: number(pairs, &field("speed")),
                endpoint: pairs
                    .get(&field("endpoint"))
                    .and_then(|v| ENDPOINTS.iter().find(|(_, key, _)| *key == v).map(|(e, _, _)| *e)),
                over_limit_reason: pairs.text(&field("reason")),
            };
            let touched = record.actual_depth_mm.is_some()
                || record.passes.is_some()
                || record.speed.is_some()
                || record.endpoint.is_some()
                || record.over_limit_reason.is_some();
            touched.then_some(record)
        })
        .collect();
    let adverse = pairs.text("adverse_description").map(|description| AdverseEvent {
        description,
        action_taken: pairs.text("adverse_action").unwrap_or_default(),
    });
    Chart {
        changes_since_last_visit: None,
        photos_taken: ticked(pairs, "photos_taken"),
        cleansed: ticked(pairs, "cleansed"),
        anaesthetic,
        removal_and_antisepsis: ticked(pairs, "removal_and_antisepsis"),
        device_serial: pairs.text("device_serial"),
        cartridge,
        zones,
        glide: product(pairs, "glide"),
        post_products: product(pairs, "post").into_iter().collect(),
        adverse_events: adverse.into_iter().collect(),
        notes: pairs.text("notes").unwrap_or_default(),
    }
}

fn checkbox(name: &str, label: &str, checked: bool, disabled: bool) -> Markup {
    html! { label.choice.big { input type="checkbox" name=(name) value="true" checked[checked] disabled[disabled]; " " (label) } }
}

fn text_of<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn product_fields(
    prefix: &str,
    legend: &str,
    current: Option<&ProductUse>,
    formulary: &[String],
    frozen: bool,
) -> Markup {
    let name = current.map(|p| p.product.clone()).unwrap_or_default();
    let listed = formulary.iter().any(|f| f.eq_ignore_ascii_case(&name));
    html! {
        fieldset disabled[frozen] {
            legend { (legend) }
            label for=(format!("{prefix}_product")) { "Product (the clinic's formulary)" }
            select id=(format!("{prefix}_product")) name=(format!("{prefix}_product")) {
                option value="" { "—" }
                @for f in formulary { option value=(f) selected[f.eq_ignore_ascii_case(&name)] { (f) } }
                option value="other" selected[!name.is_empty() && !listed] { "Other (not on the formulary)" }
            }
            label for=(format!("{prefix}_other")) { "Other product's name" }
            input id=(format!("{prefix}_other")) name=(format!("{prefix}_other")) value=(if listed { String::new() } else { name.clone() });
            label for=(format!("{prefix}_lot")) { "Lot" }
            input id=(format!("{prefix}_lot")) name=(format!("{prefix}_lot")) value=(current.map(|p| p.lot.clone()).unwrap_or_default());
            label for=(format!("{prefix}_reason")) { "Why a product off the formulary (granuloma risk)" }
            input id=(format!("{prefix}_reason")) name=(format!("{prefix}_reason")) value=(current.and_then(|p| p.off_formulary_reason.clone()).unwrap_or_default());
        }
    }
}

fn render(
    state: &AppState,
    user: &CurrentUser,
    view: &ChartView,
    chart: &Chart,
    error: Option<&AppError>,
    link: Option<&str>,
) -> Markup {
    let frozen = view.record.signed_at.is_some();
    let id = &view.record.id;
    let name = view.client.fields.full_name();
    let planned: Vec<String> = view.planned.iter().map(|(z, _)| z.clone()).collect();
    let mut numbing_areas = planned.clone();
    for extra in ["neck", "decolletage"] {
        if !numbing_areas.iter().any(|z| z == extra) {
            numbing_areas.push(extra.to_string());
        }
    }
    let label = |zone: &str| {
        state
            .app
            .protocol
            .zone(zone)
            .map_or_else(|| zone.to_string(), |z| z.label.clone())
    };
    let numbing = chart.anaesthetic.clone().unwrap_or_default();
    let cartridge = chart.cartridge.clone().unwrap_or_default();
    let review = &view.review;
    let datetime = |v: &Option<jiff::civil::DateTime>| {
        v.map(|t| t.strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    page(
        &format!("Chart: {name}"),
        Some(user),
        html! {
            p.meta { "Session " (view.appointment.starts_at.strftime("%Y-%m-%d %H:%M")) " · licence limit " (view.licence_max) " mm"
                @if frozen { " · " strong { "Signed " (view.record.signed_at.map(|t| t.to_string()).unwrap_or_default()) } } }
            (error_summary(error))
            @if let Some(ready) = review.numbing_ready_at {
                p.dwell data-ready-at=(ready.strftime("%Y-%m-%dT%H:%M:%S")) role="status" { "Numbing reaches its shortest labelled dwell at " strong { (ready.strftime("%H:%M")) } "." }
            }
            @if !review.warnings.is_empty() {
                ul.warning { @for w in &review.warnings { li { (w.message) } } }
            }
            form.chart method="post" action=(format!("/charts/{id}")) data-autosave=[(!frozen).then_some("on")] {
                (csrf_field(user))
                input type="hidden" name="version" value=(view.record.version);
                fieldset disabled[frozen] {
                    legend { "Before needling" }
                    (checkbox("photos_taken", "Before photographs taken", chart.photos_taken, frozen))
                    (checkbox("cleansed", "Skin cleansed: dirt, oil and makeup removed", chart.cleansed, frozen))
                }
                fieldset disabled[frozen] {
                    legend { "Topical numbing" }
                    label for="anaesthetic_agent" { "Agent" }
                    select #anaesthetic_agent name="anaesthetic_agent" {
                        option value="" { "—" }
                        option value="none" selected[numbing.agent == "none"] { "No numbing" }
                        @for a in &state.app.protocol.anaesthetics {
                            option value=(a.id) selected[numbing.agent == a.id] { (a.label) " (" (a.min_minutes) "–" (a.max_minutes) " min)" }
                        }
                    }
                    label for="anaesthetic_concentration" { "Concentration" }
                    input #anaesthetic_concentration name="anaesthetic_concentration" value=(numbing.concentration);
                    p #areas-label { "Areas numbed" }
                    div.choices role="group" aria-labelledby="areas-label" {
                        @for z in &numbing_areas {
                            label.choice { input type="checkbox" name="anaesthetic_areas" value=(z) checked[numbing.areas.contains(z)]; " " (label(z)) }
                        }
                    }
                    div.row {
                        div { label for="anaesthetic_applied_at" { "Applied at" } input #anaesthetic_applied_at type="datetime-local" name="anaesthetic_applied_at" value=(datetime(&numbing.applied_at)); }
                        div { label for="anaesthetic_removed_at" { "Removed at" } input #anaesthetic_removed_at type="datetime-local" name="anaesthetic_removed_at" value=(datetime(&numbing.removed_at)); }
                    }
                    (checkbox("anaesthetic_occlusion", "Under occlusion (wrap)", numbing.occlusion, frozen))
                    (checkbox("removal_and_antisepsis", "Cream fully removed and skin disinfected", chart.removal_and_antisepsis, frozen))
                }
                fieldset disabled[frozen] {
                    legend { "Device and cartridge" }
                    div.row {
                        div { label for="device_serial" { "Device serial" } input #device_serial name="device_serial" value=(text_of(&chart.device_serial)); }
                        div { label for="cartridge_lot" { "Cartridge lot" } input #cartridge_lot name="cartridge_lot" value=(cartridge.lot); }
                        div { label for="cartridge_expiry" { "Cartridge expiry" } input #cartridge_expiry type="date" name="cartridge_expiry" value=(text_of(&cartridge.expiry)); }
                    }
                    (checkbox("cartridge_sterile_pack_intact", "Sterile pack sealed and undamaged; single use", cartridge.sterile_pack_intact, frozen))
                }
                @for (zone, planned_depth) in &view.planned {
                    @let record = chart.zones.iter().find(|r| &r.zone == zone).cloned().unwrap_or_default();
                    @let f = |n: &str| format!("zone_{zone}_{n}");
                    fieldset.zone disabled[frozen] {
                        legend { (label(zone)) ": planned " (planned_depth) " mm" }
                        div.row {
                            div { label for=(f("depth")) { "Actual depth (mm)" } input id=(f("depth")) name=(f("depth")) type="number" step="0.05" min="0" inputmode="decimal" value=(text_of(&record.actual_depth_mm)); }
                            div { label for=(f("passes")) { "Passes" } input id=(f("passes")) name=(f("passes")) type="number" min="0" inputmode="numeric" value=(text_of(&record.passes)); }
                            div { label for=(f("speed")) { "Speed setting" } input id=(f("speed")) name=(f("speed")) type="number" min="0" inputmode="numeric" value=(text_of(&record.speed)); }
                        }
                        p id=(f("endpoint-label")) { "End-point reached" }
                        div.choices role="radiogroup" aria-labelledby=(f("endpoint-label")) {
                            @for (endpoint, key, text) in ENDPOINTS {
                                label.choice.big { input type="radio" name=(f("endpoint")) value=(key) checked[record.endpoint == Some(endpoint)]; " " (text) }
                            }
                        }
                        @if review.needs_cosign.contains(zone) || record.over_limit_reason.is_some() {
                            label for=(f("reason")) { "Why deeper than the licence or the zone allows" }
                            input id=(f("reason")) name=(f("reason")) value=(text_of(&record.over_limit_reason));
                        }
                    }
                }
                (product_fields("glide", "Glide", chart.glide.as_ref(), &view.formulary, frozen))
                (product_fields("post", "Soothing serum or moisturiser afterwards", chart.post_products.first(), &view.formulary, frozen))
                fieldset disabled[frozen] {
                    legend { "Adverse events and notes" }
                    label for="adverse_description" { "Adverse event during the session (if any)" }
                    input #adverse_description name="adverse_description" value=(chart.adverse_events.first().map(|e| e.description.clone()).unwrap_or_default());
                    label for="adverse_action" { "Action taken" }
                    input #adverse_action name="adverse_action" value=(chart.adverse_events.first().map(|e| e.action_taken.clone()).unwrap_or_default());
                    label for="notes" { "Notes" }
                    textarea #notes name="notes" { (chart.notes) }
                }
                @if !frozen {
                    p.save-state role="status" aria-live="polite" {}
                    button.primary type="submit" { "Save" }
                }
            }
            @if !frozen {
                section.card aria-labelledby="sign-h" {
                    h2 #sign-h { "Sign-off" }
                    @if review.sign_blockers.is_empty() && review.refusals.is_empty() {
                        p { "Everything needed is charted." }
                    } @else {
                        p { "Before signing:" }
                        ul { @for b in review.refusals.iter().chain(&review.sign_blockers) { li { (b.message) } } }
                    }
                    @if !review.needs_cosign.is_empty() {
                        p { "A supervising clinician co-signs: " (review.needs_cosign.join(", "))
                            @if let Some(by) = &view.record.cosigned_by { " (co-signed by " (by) ")" } }
                        @if view.record.cosigned_by.is_none() && view.appointment.practitioner_id != user.user().id {
                            form.inline.after-save method="post" action=(format!("/charts/{id}/cosign")) {
                                (csrf_field(user)) input type="hidden" name="version" value=(view.record.version);
                                button type="submit" { "Co-sign as supervising clinician" }
                            }
                        }
                    }
                    form.inline.after-save method="post" action=(format!("/charts/{id}/sign")) {
                        (csrf_field(user)) input type="hidden" name="version" value=(view.record.version);
                        button.primary type="submit" { "Sign the chart" }
                    }
                }
            } @else {
                section.card aria-labelledby="after-h" {
                    h2 #after-h { "Aftercare" }
                    p.actions {
                        a.button.primary href=(format!("/charts/{id}/aftercare")) { "Print the aftercare sheet" }
                    }
                    form.inline method="post" action=(format!("/charts/{id}/aftercare-link")) {
                        (csrf_field(user))
                        button type="submit" { "Make a private link for the client's phone" }
                    }
                    @if let Some(path) = link {
                        p { "Give the client this link (it works for " (room::AFTERCARE_LINK_DAYS) " days): " code.link-out { (path) } }
                    }
                }
                section.card aria-labelledby="amend-h" {
                    h2 #amend-h { "Amendments" }
                    @if view.amendments.is_empty() { p { "None." } }
                    ul.list { @for a in &view.amendments { li { strong { (a.created_at.strftime("%Y-%m-%d %H:%M")) } " · " (a.text) " — " em { (a.reason) } } } }
                    form method="post" action=(format!("/charts/{id}/amendments")) {
                        (csrf_field(user))
                        label for="amend-text" { "Correction" } textarea #amend-text name="text" required {}
                        label for="amend-reason" { "Reason" } input #amend-reason name="reason" required;
                        button type="submit" { "Add the amendment" }
                    }
                }
            }
            p { a href=(format!("/appointments/{}", view.appointment.id)) { "The appointment" } }
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
) -> PageResult<Markup> {
    let view = room::chart(&state.app, &user.actor, &id).await?;
    let chart = view.chart().clone();
    Ok(render(&state, &user, &view, &chart, None, None))
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// Saves the chart: a redirect for the plain form, a small JSON answer for the autosave.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let current = room::chart(&state.app, &user.actor, &id).await?;
    let planned: Vec<String> = current.planned.iter().map(|(z, _)| z.clone()).collect();
    let mut chart = chart_from_form(&pairs, &planned);
    chart.changes_since_last_visit = current.chart().changes_since_last_visit;
    let version = pairs.text("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let value = serde_json::to_value(&chart).map_err(AppError::internal)?;
    let json = wants_json(&headers);
    match room::save(
        &state.app,
        &user.actor,
        &id,
        ChartInput {
            version,
            chart: value,
        },
    )
    .await
    {
        Ok(saved) if json => Ok(Json(serde_json::json!({
            "version": saved.record.version,
            "numbing_ready_at": saved.review.numbing_ready_at,
            "blockers": saved.review.sign_blockers.len(),
        }))
        .into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/charts/{id}")).into_response()),
        Err(error) if json => Ok(WebError::App(error).into_response()),
        Err(error @ (AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::Frozen { .. })) => {
            let status = WebError::App(error.clone()).status();
            Ok((
                status,
                render(&state, &user, &current, &chart, Some(&error), None),
            )
                .into_response())
        }
        Err(error) => Err(error.into()),
    }
}

async fn redisplay(
    state: &AppState,
    user: &CurrentUser,
    id: &ChartId,
    error: AppError,
) -> PageResult<Response> {
    let view = room::chart(&state.app, &user.actor, id).await?;
    let chart = view.chart().clone();
    let status = match WebError::App(error.clone()).status() {
        StatusCode::INTERNAL_SERVER_ERROR => return Err(error.into()),
        status => status,
    };
    Ok((status, render(state, user, &view, &chart, Some(&error), None)).into_response())
}

/// Signing and co-signing: the same form (the chart's version), two actions.
enum Signature {
    Sign,
    Cosign,
}

async fn signature(
    state: AppState,
    user: CurrentUser,
    id: ChartId,
    pairs: Vec<(String, String)>,
    kind: Signature,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let version = pairs.text("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let result = match kind {
        Signature::Sign => room::sign(&state.app, &user.actor, &id, version).await,
        Signature::Cosign => room::cosign(&state.app, &user.actor, &id, version).await,
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/charts/{id}")).into_response()),
        Err(error) => redisplay(&state, &user, &id, error).await,
    }
}

pub async fn sign(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    signature(state, user, id, pairs, Signature::Sign).await
}

pub async fn cosign(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    signature(state, user, id, pairs, Signature::Cosign).await
}

pub async fn amend(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let input = AmendmentInput {
        reason: pairs.text("reason"),
        text: pairs.text("text"),
    };
    match room::amend(&state.app, &user.actor, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/charts/{id}#amend-h")).into_response()),
        Err(error) => redisplay(&state, &user, &id, error).await,
    }
}

/// Makes the client's link and shows it once: only its hash is kept.
pub async fn link(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ChartId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    match room::create_link(&state.app, &user.actor, &id).await {
        Ok(link) => {
            let view = room::chart(&state.app, &user.actor, &id).await?;
            let chart = view.chart().clone();
            Ok(render(&state, &user, &view, &chart, None, Some(&link.path)).into_response())
        }
        Err(error) => redisplay(&state, &user, &id, error).await,
    }
}

#[derive(Deserialize, Default)]
pub struct LotQuery {
    lot: Option<String>,
}

/// Lot look-up for a recall: every client and session a lot touched, with contact details.
pub async fn lots(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<LotQuery>,
) -> PageResult<Markup> {
    let lot = query.lot.as_deref().map(str::trim).filter(|l| !l.is_empty());
    let uses = match lot {
        Some(lot) => Some(room::lot_trace(&state.app, &user.actor, lot).await?),
        None => None,
    };
    Ok(page(
        "Lot look-up",
        Some(&user),
        html! {
            form.inline method="get" action="/lots" {
                label for="lot" { "Lot number" } input #lot name="lot" value=(lot.unwrap_or("")) required;
                button.primary type="submit" { "Find" }
            }
            @if let Some(uses) = &uses {
                p role="status" { (uses.len()) " uses of lot " strong { (lot.unwrap_or("")) } "." }
                @if !uses.is_empty() {
                    table {
                        thead { tr { th scope="col" { "Date" } th scope="col" { "Client" } th scope="col" { "Phone" } th scope="col" { "Email" } th scope="col" { "Used as" } } }
                        tbody { @for u in uses {
                            tr {
                                td { a href=(format!("/charts/{}", u.chart_id)) { (u.used_on) } }
                                td { a href=(format!("/clients/{}", u.client_id)) { (u.given_name) " " (u.family_name) } }
                                td { (text_of(&u.phone)) } td { (text_of(&u.email)) }
                                td { (u.kind.label()) ": " (u.product) }
                            }
                        } }
                    }
                }
            }
        },
    ))
}
