//! The client's aftercare: one sheet, printed at the desk or opened by a private link on a phone.

use axum::extract::{Path, State};
use maud::{Markup, html};
use needlepoint_app::room::{self, Aftercare};
use needlepoint_store::ChartId;

use crate::extract::Id;
use crate::session::CurrentUser;

use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::layout::page;

fn dates(from: jiff::civil::Date, until: jiff::civil::Date) -> String {
    let day = |d: jiff::civil::Date| d.strftime("%a %-d %b").to_string();
    if from == until {
        day(from)
    } else {
        format!("{} – {}", day(from), day(until))
    }
}

/// The sheet itself, shared by the printed page and the client's link.
pub fn sheet(care: &Aftercare) -> Markup {
    html! {
        div.aftercare {
            p.lead { "For " strong { (care.client_name) } ", after your microneedling session on " strong { (care.session_date) } "." }
            p { "Treated: "
                @for (i, zone) in care.treated.iter().enumerate() {
                    @if i > 0 { ", " } (zone.label) " (" (zone.depth_mm) " mm)"
                }
                "." }
            section aria-labelledby="expect" {
                h2 #expect { "What to expect" }
                ul.care { @for item in &care.care.expected { li { span.when { (dates(item.from, item.until)) } " " (item.text) } } }
            }
            section aria-labelledby="do" {
                h2 #do { "What to do and what to avoid" }
                ul.care { @for item in &care.care.after { li { span.when { (dates(item.from, item.until)) } " " (item.text) } } }
            }
            section.warning-signs aria-labelledby="warn" {
                h2 #warn { "Call us straight away if you notice" }
                ul { @for sign in &care.care.warning_signs { li { (sign) } } }
                p { strong { (care.clinic_name) }
                    @if let Some(phone) = &care.clinic_phone { ": " a href=(format!("tel:{}", phone.replace(' ', ""))) { (phone) } }
                    ". If you cannot reach us and feel unwell, seek urgent medical care." }
            }
            @if let Some(next) = &care.next_session {
                p.next { "Your next session: " strong { (next.strftime("%A %-d %B at %H:%M")) } }
            }
        }
    }
}

/// The printable sheet, for staff (print stylesheet: one page).
pub async fn print(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(chart_id): Id<ChartId>,
) -> PageResult<Markup> {
    let care = room::aftercare(&state.app, &user.actor, &chart_id).await?;
    Ok(page(
        "Your aftercare",
        Some(&user),
        html! {
            p.actions { a.button href=(format!("/charts/{chart_id}")) { "Back to the chart" } }
            (sheet(&care))
        },
    ))
}

/// What the client's private link opens: read-only, no sign-in, audited.
pub async fn by_link(State(state): State<AppState>, Path(token): Path<String>) -> PageResult<Markup> {
    let care = room::aftercare_by_link(&state.app, &token).await?;
    Ok(page("Your aftercare", None, sheet(&care)))
}
