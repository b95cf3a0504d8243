//! The chart page, section by section in the order of the session: before needling, numbing,
//! device, each zone, products, events and notes; then sign-off, or after signing the aftercare
//! and the amendments.

use maud::{Markup, html};
use needlepoint_app::AppError;
use needlepoint_app::room::{self, ChartView};
use needlepoint_domain::chart::{Chart, ProductUse, numbing_area_choices};
use needlepoint_domain::depth::Mm;

use super::form::ENDPOINTS;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{csrf_field, error_summary};
use crate::ui::layout::page;
use crate::ui::when;

/// Everything the page is drawn from.
pub(super) struct ChartPage<'a> {
    pub state: &'a AppState,
    pub user: &'a CurrentUser,
    pub view: &'a ChartView,
    /// The chart shown: the stored one, or a draft that failed to save.
    pub chart: &'a Chart,
    pub error: Option<&'a AppError>,
    /// The client's aftercare link, shown once just after it is made.
    pub link: Option<&'a str>,
}

impl ChartPage<'_> {
    fn frozen(&self) -> bool {
        self.view.record.signed_at.is_some()
    }

    fn zone_label(&self, zone: &str) -> String {
        self.state.app.protocol.zone_label(zone)
    }

    fn action(&self, tail: &str) -> String {
        format!("/charts/{}{tail}", self.view.record.id)
    }
}

pub(super) fn render(p: &ChartPage) -> Markup {
    let name = p.view.client.fields.full_name();
    let frozen = p.frozen();
    page(
        &format!("Chart: {name}"),
        Some(p.user),
        html! {
            (header(p))
            form.chart method="post" action=(p.action("")) data-autosave=[(!frozen).then_some("on")] {
                (csrf_field(p.user))
                input type="hidden" name="version" value=(p.view.record.version);
                (before_needling(p))
                (numbing(p))
                (device(p))
                @for (zone, planned) in &p.view.planned { (zone_fields(p, zone, *planned)) }
                (product_fields(p, "glide", "Glide", p.chart.glide.as_ref()))
                (product_fields(p, "post", "Soothing serum or moisturiser afterwards", p.chart.post_products.first()))
                (events_and_notes(p))
                @if !frozen {
                    p.save-state role="status" aria-live="polite" {}
                    button.primary type="submit" { "Save" }
                }
            }
            @if frozen { (aftercare(p)) (amendments(p)) } @else { (sign_off(p)) }
            p { a href=(format!("/appointments/{}", p.view.appointment.id)) { "The appointment" } }
        },
    )
}

fn header(p: &ChartPage) -> Markup {
    let view = p.view;
    let review = &view.review;
    html! {
        p.meta {
            "Session " (when::wall(view.appointment.starts_at)) " · licence limit " (view.licence_max) " mm"
            @if let Some(at) = view.record.signed_at {
                " · " strong { "Signed " (when::moment(at, &view.time_zone)) }
                @if let Some(by) = &view.signer { " by " (by) }
            }
        }
        (error_summary(p.error))
        @if let Some(ready) = review.numbing_ready_at {
            p.dwell data-ready-at=(ready.strftime("%Y-%m-%dT%H:%M:%S")) role="status" {
                "Numbing reaches its shortest labelled dwell at " strong { (when::clock(ready)) } "."
            }
        }
        @if !review.warnings.is_empty() {
            ul.warning { @for w in &review.warnings { li { (w.message) } } }
        }
    }
}

fn checkbox(name: &str, label: &str, checked: bool, disabled: bool) -> Markup {
    html! { label.choice.big { input type="checkbox" name=(name) value="true" checked[checked] disabled[disabled]; " " (label) } }
}

pub(super) fn text_of<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn before_needling(p: &ChartPage) -> Markup {
    let frozen = p.frozen();
    html! {
        fieldset disabled[frozen] {
            legend { "Before needling" }
            (checkbox("photos_taken", "Before photographs taken", p.chart.photos_taken, frozen))
            (checkbox("cleansed", "Skin cleansed: dirt, oil and makeup removed", p.chart.cleansed, frozen))
        }
    }
}

fn numbing(p: &ChartPage) -> Markup {
    let frozen = p.frozen();
    let numbing = p.chart.anaesthetic.clone().unwrap_or_default();
    let planned: Vec<String> = p.view.planned.iter().map(|(z, _)| z.clone()).collect();
    let areas = numbing_area_choices(&p.state.app.protocol, &planned);
    html! {
        fieldset disabled[frozen] {
            legend { "Topical numbing" }
            label for="anaesthetic_agent" { "Agent" }
            select #anaesthetic_agent name="anaesthetic_agent" {
                option value="" { "—" }
                option value="none" selected[numbing.agent == "none"] { "No numbing" }
                @for a in &p.state.app.protocol.anaesthetics {
                    option value=(a.id) selected[numbing.agent == a.id] { (a.label) " (" (a.min_minutes) "–" (a.max_minutes) " min)" }
                }
            }
            label for="anaesthetic_concentration" { "Concentration" }
            input #anaesthetic_concentration name="anaesthetic_concentration" value=(numbing.concentration);
            p #areas-label { "Areas numbed" }
            div.choices role="group" aria-labelledby="areas-label" {
                @for z in &areas {
                    label.choice { input type="checkbox" name="anaesthetic_areas" value=(z) checked[numbing.areas.contains(z)]; " " (p.zone_label(z)) }
                }
            }
            div.row {
                div { label for="anaesthetic_applied_at" { "Applied at" } input #anaesthetic_applied_at type="datetime-local" name="anaesthetic_applied_at" value=(when::field(numbing.applied_at)); }
                div { label for="anaesthetic_removed_at" { "Removed at" } input #anaesthetic_removed_at type="datetime-local" name="anaesthetic_removed_at" value=(when::field(numbing.removed_at)); }
            }
            (checkbox("anaesthetic_occlusion", "Under occlusion (wrap)", numbing.occlusion, frozen))
            (checkbox("removal_and_antisepsis", "Cream fully removed and skin disinfected", p.chart.removal_and_antisepsis, frozen))
        }
    }
}

fn device(p: &ChartPage) -> Markup {
    let frozen = p.frozen();
    let cartridge = p.chart.cartridge.clone().unwrap_or_default();
    html! {
        fieldset disabled[frozen] {
            legend { "Device and cartridge" }
            div.row {
                div { label for="device_serial" { "Device serial" } input #device_serial name="device_serial" value=(text_of(&p.chart.device_serial)); }
                div { label for="cartridge_lot" { "Cartridge lot" } input #cartridge_lot name="cartridge_lot" value=(cartridge.lot); }
                div { label for="cartridge_expiry" { "Cartridge expiry" } input #cartridge_expiry type="date" name="cartridge_expiry" value=(text_of(&cartridge.expiry)); }
            }
            (checkbox("cartridge_sterile_pack_intact", "Sterile pack sealed and undamaged; single use", cartridge.sterile_pack_intact, frozen))
        }
    }
}

fn zone_fields(p: &ChartPage, zone: &str, planned: Mm) -> Markup {
    let record = p
        .chart
        .zones
        .iter()
        .find(|r| r.zone == zone)
        .cloned()
        .unwrap_or_default();
    let f = |n: &str| format!("zone_{zone}_{n}");
    let asks_reason =
        p.view.review.needs_cosign.iter().any(|z| z == zone) || record.over_limit_reason.is_some();
    html! {
        fieldset.zone disabled[p.frozen()] {
            legend { (p.zone_label(zone)) ": planned " (planned) " mm" }
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
            @if asks_reason {
                label for=(f("reason")) { "Why deeper than the licence or the zone allows" }
                input id=(f("reason")) name=(f("reason")) value=(text_of(&record.over_limit_reason));
            }
        }
    }
}

fn product_fields(p: &ChartPage, prefix: &str, legend: &str, current: Option<&ProductUse>) -> Markup {
    let formulary = &p.view.formulary;
    let name = current.map(|c| c.product.clone()).unwrap_or_default();
    let listed = formulary.iter().any(|f| f.eq_ignore_ascii_case(&name));
    let id = |n: &str| format!("{prefix}_{n}");
    html! {
        fieldset disabled[p.frozen()] {
            legend { (legend) }
            label for=(id("product")) { "Product (the clinic's formulary)" }
            select id=(id("product")) name=(id("product")) {
                option value="" { "—" }
                @for f in formulary { option value=(f) selected[f.eq_ignore_ascii_case(&name)] { (f) } }
                option value="other" selected[!name.is_empty() && !listed] { "Other (not on the formulary)" }
            }
            label for=(id("other")) { "Other product's name" }
            input id=(id("other")) name=(id("other")) value=(if listed { String::new() } else { name.clone() });
            label for=(id("lot")) { "Lot" }
            input id=(id("lot")) name=(id("lot")) value=(current.map(|c| c.lot.clone()).unwrap_or_default());
            label for=(id("reason")) { "Why a product off the formulary (granuloma risk)" }
            input id=(id("reason")) name=(id("reason")) value=(current.and_then(|c| c.off_formulary_reason.clone()).unwrap_or_default());
        }
    }
}

fn events_and_notes(p: &ChartPage) -> Markup {
    let event = p.chart.adverse_events.first();
    html! {
        fieldset disabled[p.frozen()] {
            legend { "Adverse events and notes" }
            label for="adverse_description" { "Adverse event during the session (if any)" }
            input #adverse_description name="adverse_description" value=(event.map(|e| e.description.clone()).unwrap_or_default());
            label for="adverse_action" { "Action taken" }
            input #adverse_action name="adverse_action" value=(event.map(|e| e.action_taken.clone()).unwrap_or_default());
            label for="notes" { "Notes" }
            textarea #notes name="notes" { (p.chart.notes) }
        }
    }
}

fn sign_off(p: &ChartPage) -> Markup {
    let view = p.view;
    let review = &view.review;
    let may_cosign =
        view.record.cosigned_by.is_none() && view.appointment.practitioner_id != p.user.user().id;
    let cosign_zones: Vec<String> = review.needs_cosign.iter().map(|z| p.zone_label(z)).collect();
    html! {
        section.card aria-labelledby="sign-h" {
            h2 #sign-h { "Sign-off" }
            @if review.sign_blockers.is_empty() && review.refusals.is_empty() {
                p { "Everything needed is charted." }
            } @else {
                p { "Before signing:" }
                ul { @for b in review.refusals.iter().chain(&review.sign_blockers) { li { (b.message) } } }
            }
            @if !review.needs_cosign.is_empty() {
                p { "A supervising clinician co-signs: " (cosign_zones.join(", "))
                    @if let Some(by) = &view.cosigner { " (co-signed by " (by) ")" } }
                @if may_cosign {
                    form.inline.after-save method="post" action=(p.action("/cosign")) {
                        (csrf_field(p.user)) input type="hidden" name="version" value=(view.record.version);
                        button type="submit" { "Co-sign as supervising clinician" }
                    }
                }
            }
            form.inline.after-save method="post" action=(p.action("/sign")) {
                (csrf_field(p.user)) input type="hidden" name="version" value=(view.record.version);
                button.primary type="submit" { "Sign the chart" }
            }
        }
    }
}

fn aftercare(p: &ChartPage) -> Markup {
    html! {
        section.card aria-labelledby="after-h" {
            h2 #after-h { "Aftercare" }
            p.actions { a.button.primary href=(p.action("/aftercare")) { "Print the aftercare sheet" } }
            form.inline method="post" action=(p.action("/aftercare-link")) {
                (csrf_field(p.user))
                button type="submit" { "Make a private link for the client's phone" }
            }
            @if let Some(path) = p.link {
                p { "Give the client this link (it works for " (room::AFTERCARE_LINK_DAYS) " days): " code.link-out { (path) } }
            }
        }
    }
}

fn amendments(p: &ChartPage) -> Markup {
    let view = p.view;
    html! {
        section.card aria-labelledby="amend-h" {
            h2 #amend-h { "Amendments" }
            @if view.amendments.is_empty() { p { "None." } }
            ul.list { @for a in &view.amendments {
                li { strong { (when::moment(a.created_at, &view.time_zone)) } " · " (a.text) " — " em { (a.reason) } }
            } }
            form method="post" action=(p.action("/amendments")) {
                (csrf_field(p.user))
                label for="amend-text" { "Correction" } textarea #amend-text name="text" required {}
                label for="amend-reason" { "Reason" } input #amend-reason name="reason" required;
                button type="submit" { "Add the amendment" }
            }
        }
    }
}
