//! The plan page: decision and findings, the zone map coloured by depth, the depth table with
//! adjustments, the timeline, the series and the care schedule. Rendered from the stored plan, so
//! an old plan shows exactly as it was made.

use maud::{Markup, html};
use serde_json::Value;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::ui::form::{csrf_field, error_summary};
use crate::ui::zonemap;
use crate::usecases::intakes::IntakeView;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn joined(v: &Value) -> String {
    list(v)
        .iter()
        .map(|x| s(x).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn decision_text(decision: &str) -> &'static str {
    match decision {
        "proceed" => "Proceed",
        "proceed_with_precautions" => "Proceed with precautions",
        "defer" => "Defer",
        "not_candidate" => "Not a candidate",
        "refer" => "Refer to a physician",
        _ => "Unknown decision",
    }
}

pub fn render(
    state: &AppState,
    user: &CurrentUser,
    client: &needlepoint_store::Client,
    view: &IntakeView,
    error: Option<&AppError>,
) -> Markup {
    let plan = &view.record.plan;
    let screening = &plan["screening"];
    let decision = s(&screening["decision"]);
    let zones = list(&plan["zones"]);
    let excluded: Vec<String> = list(&screening["excluded_zones"])
        .iter()
        .map(|z| s(z).to_string())
        .collect();
    let planned_of = |zone: &str| {
        zones
            .iter()
            .find(|z| s(&z["zone"]) == zone)
            .and_then(|z| z["depth_mm"]["planned"].as_f64())
    };
    let label_of = |zone: &str| {
        state
            .protocol
            .zone(zone)
            .map_or_else(|| zone.to_string(), |z| z.label.clone())
    };
    html! {
        p { a href=(format!("/clients/{}", client.id)) { "← " (client.fields.given_name) " " (client.fields.family_name) } }
        (error_summary(error))
        section.decision aria-labelledby="decision-h" data-decision=(decision) {
            h2 #decision-h { "Decision: " (decision_text(decision)) }
            @if let Some(until) = screening["defer_until"].as_str() { p { strong { "Not before " (until) "." } } }
            @if view.can_proceed() {
                p { "Treatment consent is on file: a session may go ahead." }
            } @else if !view.treatment_consent_valid && matches!(decision, "proceed" | "proceed_with_precautions") {
                p.warning { strong { "No valid treatment consent: " } "the plan cannot proceed until the client signs. "
                    a href=(format!("/clients/{}/consents/new?kind=treatment", client.id)) { "Sign treatment consent" } }
            } @else {
                p.warning { "No session may be booked on this intake. The zones below show what would be planned." }
            }
            ul.findings {
                @for f in list(&screening["findings"]) {
                    li data-effect=(s(&f["effect"])) {
                        strong { (s(&f["effect"]).replace('_', " ")) } " · " code { (s(&f["rule"])) }
                        @if !list(&f["zones"]).is_empty() { " · " (joined(&f["zones"])) }
                        p { (s(&f["message"])) }
                        p.sources { "Sources: " (joined(&f["sources"])) " [" (joined(&f["evidence"])) "]" }
                    }
                }
            }
        }
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
                tbody {
                    @for z in &zones {
                        @let zone = s(&z["zone"]);
                        @let latest = view.overrides.iter().rev().find(|o| o.zone == zone);
                        tr {
                            th scope="row" { (s(&z["label"])) }
                            td { (z["depth_mm"]["min"]) "–" (z["depth_mm"]["max"]) }
                            td { (z["depth_mm"]["planned"]) }
                            td { @if let Some(o) = latest { (o.planned_hundredths as f64 / 100.0) @if o.outside_bounds { " (override: " (o.reason.as_deref().unwrap_or("")) ")" } } @else { "—" } }
                            td {
                                form.inline method="post" action=(format!("/intakes/{}/depth", view.record.id)) {
                                    (csrf_field(user))
                                    input type="hidden" name="zone" value=(zone);
                                    label.visually-hidden for=(format!("mm-{zone}")) { "New depth for " (s(&z["label"])) " in mm" }
                                    input id=(format!("mm-{zone}")) type="number" name="planned_mm" step="0.05" min="0" required;
                                    label.visually-hidden for=(format!("why-{zone}")) { "Reason, required outside the range" }
                                    input id=(format!("why-{zone}")) name="reason" placeholder="Reason if outside the range";
                                    button.secondary type="submit" { "Set" }
                                }
                            }
                        }
                    }
                }
            }
            @for z in &zones {
                details { summary { "Why: " (s(&z["label"])) }
                    ul { @for r in list(&z["reasons"]) { li { (s(&r)) } } @for r in list(&z["restrictions"]) { li.warning { (s(&r)) } } }
                    p.sources { "Sources: " (joined(&z["sources"])) } }
            }
            @for u in list(&plan["unplanned_zones"]) { p.warning { "Not planned: " (label_of(s(&u["zone"]))) ". " (s(&u["reason"])) } }
        }
        section aria-labelledby="session-h" {
            h2 #session-h { "Session: " (plan["session"]["total_minutes"]) " minutes to book" }
            ol.timeline { @for step in list(&plan["session"]["steps"]) { li { span.minutes { (step["minutes"]) " min" } " " (s(&step["label"])) } } }
        }
        section aria-labelledby="series-h" {
            h2 #series-h { "Series" }
            @for t in list(&plan["series"]["tracks"]) {
                p { strong { (joined(&t["zones"])) } ": " (t["sessions"]) " sessions, every " (t["interval_days"]["planned"]) " days (" (t["interval_days"]["min"]) "–" (t["interval_days"]["max"]) ")" }
                p { (joined(&t["dates"])) }
            }
        }
        section aria-labelledby="care-h" {
            h2 #care-h { "Care schedule" }
            h3 { "Before" }
            ul { @for c in list(&plan["care"]["before"]) { li { time { (s(&c["on"])) } " " (s(&c["text"])) } } }
            h3 { "After" }
            ul { @for c in list(&plan["care"]["after"]) { li { time { (s(&c["from"])) } "–" time { (s(&c["until"])) } " " (s(&c["text"])) } } }
            h3 { "What is normal" }
            ul { @for c in list(&plan["care"]["expected"]) { li { "Until " time { (s(&c["until"])) } ": " (s(&c["text"])) } } }
            h3 { "Contact the clinic if" }
            ul { @for w in list(&plan["care"]["warning_signs"]) { li { (s(&w)) } } }
        }
        p.meta { "Protocol: " (view.record.protocol_version) " · recorded " (view.record.created_at) }
    }
}
