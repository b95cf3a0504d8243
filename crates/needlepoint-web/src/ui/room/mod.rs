//! The treatment-room chart: one page, tablet first, saved as it goes (the form also works with
//! an explicit Save button when scripts are off), then co-signed, signed and amended.

use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_domain::chart::Chart;
use needlepoint_store::ChartId;
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::Id;

use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::Pairs;
use crate::ui::layout::page;
use needlepoint_app::AppError;
use needlepoint_app::room::{self, AmendmentInput, ChartInput, ChartView};

mod form;
mod page;

use form::chart_from_form;
use page::{ChartPage, text_of};

fn render(
    state: &AppState,
    user: &CurrentUser,
    view: &ChartView,
    chart: &Chart,
    error: Option<&AppError>,
    link: Option<&str>,
) -> Markup {
    page::render(&ChartPage {
        state,
        user,
        view,
        chart,
        error,
        link,
    })
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
