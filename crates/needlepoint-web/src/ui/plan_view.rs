//! The plan page: decision and findings, the zone map coloured by depth, the depth table with
//! adjustments, the timeline, the series and the care schedule. Rendered from the stored plan, so
//! an old plan shows exactly as it was made.

use maud::{Markup, html};
use needlepoint_app::AppError;
use needlepoint_app::intakes::IntakeView;
use needlepoint_domain::depth::Mm;
use needlepoint_store::Client;

use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{csrf_field, error_summary};
use crate::ui::when;
use crate::ui::zonemap;

fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn findings(view: &IntakeView) -> Markup {
    let screening = &view.record.plan.screening;
    html! {
        ul.findings {
            @for f in &screening.findings {
                li data-effect=(f.effect.name()) {
                    strong { (f.effect.name().replace('_', " ")) } " · " code { (f.rule) }
                    @if !f.zones.is_empty() { " · " (f.zones.join(", ")) }
                    p { (f.message) }
                    p.sources { "Sources: " (f.sources.join(", ")) " [" (joined(&f.evidence)) "]" }
                }
            }
        }
    }
}

fn depth_row(user: &CurrentUser, view: &IntakeView, zone: &needlepoint_domain::plan::ZonePlan) -> Markup {
    let id = &zone.zone;
    let latest = view.overrides.iter().rev().find(|o| &o.zone == id);
    html! {
        tr {
            th scope="row" { (zone.label) }
            td { (zone.depth_mm.min) "–" (zone.depth_mm.max) }
            td { (zone.depth_mm.planned) }
            td { @if let Some(o) = latest { (Mm::from_hundredths(o.planned_hundredths)) @if o.outside_bounds { " (override: " (o.reason.as_deref().unwrap_or("")) ")" } } @else { "—" } }
            td {
                form.inline method="post" action=(format!("/intakes/{}/depth", view.record.id)) {
                    (csrf_field(user))
                    input type="hidden" name="zone" value=(id);
                    label.visually-hidden for=(format!("mm-{id}")) { "New depth for " (zone.label) " in mm" }
                    input id=(format!("mm-{id}")) type="number" name="planned_mm" step="0.05" min="0" required;
                    label.visually-hidden for=(format!("why-{id}")) { "Reason, required outside the range" }
                    input id=(format!("why-{id}")) name="reason" placeholder="Reason if outside the range";
                    button.secondary type="submit" { "Set" }
                }
            }
        }
    }
}

fn depths(state: &AppState, user: &CurrentUser, view: &IntakeView) -> Markup {
    let plan = &view.record.plan;
    let excluded = &plan.screening.excluded_zones;
    let planned_of = |zone: &str| {
        plan.zones
            .iter()
            .find(|z| z.zone == zone)
            .map(|z| z.depth_mm.planned.as_mm())
    };
    let label_of = |zone: &str| state.app.protocol.zone_label(zone);
    html! {
        section aria-labelledby="depths-h" id="depths" {
            h2 #depths-h { "Depth by zone" }
            div.map-and-list {
                (zonemap::map("Planned depth by zone", false,
                    |z| match planned_of(z) { Some(mm) => zonemap::depth_band(mm).to_string(), None if excluded.iter().any(|e| e == z) => "excluded".into(), None => "untreated".into() },
                    |z| match planned_of(z) { Some(mm) => format!("{}: {mm} mm", label_of(z)), None if excluded.iter().any(|e| e == z) => format!("{}: excluded", label_of(z)), None => format!("{}: not treated", label_of(z)) }))
                div.legend aria-hidden="true" {
                    span.key.depth-1 { "≤ 0.5 mm" } span.key.depth-2 { "≤ 0.75" } span.key.depth-3 { "≤ 1.0" } span.key.depth-4 { "≤ 1.5" } span.key.depth-5 { "> 1.5" } span.key.excluded { "excluded" }
                }
            }
            table {
                thead { tr { th scope="col" { "Zone" } th scope="col" { "Range (mm)" } th scope="col" { "Planned" } th scope="col" { "Adjusted" } th scope="col" { "Adjust" } } }
                tbody { @for z in &plan.zones { (depth_row(user, view, z)) } }
            }
            @for z in &plan.zones {
                details { summary { "Why: " (z.label) }
                    ul { @for r in &z.reasons { li { (r) } } @for r in &z.restrictions { li.warning { (r) } } }
                    p.sources { "Sources: " (z.sources.join(", ")) } }
            }
            @for u in &plan.unplanned_zones { p.warning { "Not planned: " (label_of(&u.zone)) ". " (u.reason) } }
        }
    }
}

fn schedule(view: &IntakeView) -> Markup {
    let plan = &view.record.plan;
    html! {
        section aria-labelledby="session-h" {
            h2 #session-h { "Session: " (plan.session.total_minutes) " minutes to book" }
            ol.timeline { @for step in &plan.session.steps { li { span.minutes { (step.minutes) " min" } " " (step.label) } } }
        }
        section aria-labelledby="series-h" {
            h2 #series-h { "Series" }
            @for t in &plan.series.tracks {
                p { strong { (t.zones.join(", ")) } ": " (t.sessions) " sessions, every " (t.interval_days.planned) " days (" (t.interval_days.min) "–" (t.interval_days.max) ")" }
                p { (joined(&t.dates)) }
            }
        }
        section aria-labelledby="care-h" {
            h2 #care-h { "Care schedule" }
            h3 { "Before" }
            ul { @for c in &plan.care.before { li { time { (c.on) } " " (c.text) } } }
            h3 { "After" }
            ul { @for c in &plan.care.after { li { time { (c.from) } "–" time { (c.until) } " " (c.text) } } }
            h3 { "What is normal" }
            ul { @for c in &plan.care.expected { li { "Until " time { (c.until) } ": " (c.text) } } }
            h3 { "Contact the clinic if" }
            ul { @for w in &plan.care.warning_signs { li { (w) } } }
        }
    }
}

pub fn render(
    state: &AppState,
    user: &CurrentUser,
    client: &Client,
    view: &IntakeView,
    error: Option<&AppError>,
) -> Markup {
    let screening = &view.record.plan.screening;
    let decision = screening.decision;
    html! {
        p { a href=(format!("/clients/{}", client.id)) { "← " (client.fields.full_name()) } }
        (error_summary(error))
        section.decision aria-labelledby="decision-h" data-decision=(decision.name()) {
            h2 #decision-h { "Decision: " (decision.label()) }
            @if let Some(until) = screening.defer_until { p { strong { "Not before " (when::day(until)) "." } } }
            @if view.can_proceed() {
                p { "Treatment consent is on file: a session may go ahead." }
            } @else if !view.treatment_consent_valid && decision.allows_treatment() {
                p.warning { strong { "No valid treatment consent: " } "the plan cannot proceed until the client signs. "
                    a href=(format!("/clients/{}/consents/new?kind=treatment", client.id)) { "Sign treatment consent" } }
            } @else {
                p.warning { "No session may be booked on this intake. The zones below show what would be planned." }
            }
            (findings(view))
        }
        (depths(state, user, view))
        (schedule(view))
        p.meta { "Protocol: " (view.record.plan.protocol) " · recorded " (when::moment(view.record.created_at, &view.time_zone)) }
    }
}
