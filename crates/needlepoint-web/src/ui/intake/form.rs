//! The intake form (tablet first), section by section: the treatment, skin type, areas,
//! concerns, device, the protocol's health questions and active conditions.

use jiff::civil::Date;
use maud::{Markup, html};
use needlepoint_app::AppError;
use needlepoint_domain::intake::Severity;
use needlepoint_domain::protocol::Protocol;
use needlepoint_store::Client;

use super::questions;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{Pairs, csrf_field, error_summary_named};
use crate::ui::zonemap;

/// How many active-condition rows the form offers.
pub(super) const CONDITION_ROWS: usize = 3;

const FITZPATRICK: [&str; 6] = [
    "I: always burns, never tans",
    "II: usually burns, tans a little",
    "III: sometimes burns, tans gradually",
    "IV: rarely burns, tans well",
    "V: very rarely burns, tans deeply",
    "VI: never burns, deeply pigmented",
];

/// Whether `value` is among the answers given for `name`.
fn chosen(values: &Pairs, name: &str, value: &str) -> bool {
    values.all(name).iter().any(|v| v == value)
}

pub(super) fn form(
    state: &AppState,
    user: &CurrentUser,
    client: &Client,
    today: Date,
    values: &Pairs,
    error: Option<&AppError>,
) -> Markup {
    let p = &state.app.protocol;
    html! {
        (error_summary_named(error, |field| questions::field_name(p, field)))
        form.intake method="post" action=(format!("/clients/{}/intakes", client.id)) {
            (csrf_field(user))
            input type="hidden" name="birth_date" value=(client.fields.birth_date);
            (treatment(today, values))
            (skin_type(values))
            (areas(p, values))
            fieldset {
                legend { "Concerns" }
                div.choices {
                    @for concern in &p.concerns {
                        label.choice { input type="checkbox" name="concern" value=(concern.id) checked[chosen(values, "concern", &concern.id)]; " " (concern.label) }
                    }
                }
            }
            (device(p, values))
            (questions::section(p, values, error))
            (conditions(p, values))
            button.primary type="submit" { "Save intake and plan" }
        }
    }
}

fn treatment(today: Date, values: &Pairs) -> Markup {
    html! {
        fieldset {
            legend { "Treatment" }
            label for="date" { "Treatment date" }
            input #date type="date" name="date" value=(values.text("date").unwrap_or_else(|| today.to_string())) required;
            label for="session_number" { "Session number in the series" }
            input #session_number type="number" name="session_number" min="1" max="100" value=(values.text("session_number").unwrap_or_else(|| "1".into()));
        }
    }
}

fn skin_type(values: &Pairs) -> Markup {
    html! {
        fieldset {
            legend { "Fitzpatrick skin type" }
            div.choices {
                @for (i, text) in FITZPATRICK.iter().enumerate() {
                    @let v = (i + 1).to_string();
                    label.choice { input type="radio" name="fitzpatrick" value=(v) required checked[chosen(values, "fitzpatrick", &v)]; " " (text) }
                }
            }
        }
    }
}

fn areas(p: &Protocol, values: &Pairs) -> Markup {
    let selected = values.all("area");
    let state_of = |z: &str| {
        if selected.iter().any(|a| a == z) {
            "selected".to_string()
        } else {
            String::new()
        }
    };
    let label = |z: &str| p.zone_label(z);
    html! {
        fieldset {
            legend { "Areas to treat" }
            p.hint { "Tap the map or tick the list." }
            div.map-and-list {
                (zonemap::map("Zone map", true, state_of, label))
                div.choices {
                    @for zone in &p.zones {
                        label.choice { input type="checkbox" name="area" value=(zone.id) checked[chosen(values, "area", &zone.id)]; " " (zone.label) }
                    }
                }
            }
        }
    }
}

fn device(p: &Protocol, values: &Pairs) -> Markup {
    html! {
        fieldset {
            legend { "Device" }
            label for="device" { "Device" }
            select #device name="device" {
                @for model in &p.device_models {
                    @let v = format!("model:{}", model.id);
                    option value=(v) selected[chosen(values, "device", &v)] { (model.label) " (" (model.range) ")" }
                }
                @for class in &p.device_classes {
                    @let v = format!("class:{}", class.id);
                    option value=(v) selected[chosen(values, "device", &v)] { (class.label) ": enter its range below" }
                }
            }
            div.row {
                div { label for="device_min" { "Shallowest setting (mm)" } input #device_min type="number" step="0.05" min="0" name="device_min" value=(values.text("device_min").unwrap_or_default()); }
                div { label for="device_max" { "Deepest setting (mm)" } input #device_max type="number" step="0.05" min="0" name="device_max" value=(values.text("device_max").unwrap_or_default()); }
            }
        }
    }
}

fn conditions(p: &Protocol, values: &Pairs) -> Markup {
    html! {
        fieldset {
            legend { "Active skin conditions, where they are" }
            @for row in 1..=CONDITION_ROWS {
                div.condition-row {
                    @let cond = format!("condition_{row}");
                    @let sev = format!("severity_{row}");
                    @let zones = format!("zones_{row}");
                    div { label for=(cond) { "Condition " (row) }
                        select id=(cond) name=(cond) {
                            option value="" { "None" }
                            @for c in &p.conditions { option value=(c.id) selected[chosen(values, &cond, &c.id)] { (c.label) } }
                        } }
                    div { label for=(sev) { "Severity" }
                        select id=(sev) name=(sev) {
                            option value="" { "Not stated" }
                            @for s in Severity::ALL { option value=(s.name()) selected[chosen(values, &sev, s.name())] { (s.label()) } }
                        } }
                    div { label for=(zones) { "Where" }
                        select id=(zones) name=(zones) multiple size="4" {
                            @for z in &p.zones { option value=(z.id) selected[chosen(values, &zones, &z.id)] { (z.label) } }
                        } }
                }
            }
        }
    }
}
