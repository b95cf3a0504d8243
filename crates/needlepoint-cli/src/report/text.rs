//! The plan as a practitioner prints it: the decision and why, a depth table per zone, the
//! session timeline, the series dates and the client's care schedule.

use std::fmt::Write;

use needlepoint_domain::intake::{DeviceChoice, Intake};
use needlepoint_domain::plan::{AfterCare, Decision, Finding, Plan};
use needlepoint_domain::protocol::{Effect, Protocol};

pub(crate) const WIDTH: usize = 96;

fn device_description(protocol: &Protocol, intake: &Intake) -> String {
    match &intake.device {
        DeviceChoice::Model(id) => protocol.device_model(id).map_or_else(
            || id.clone(),
            |m| format!("{} ({} {})", m.label, m.range, m.class),
        ),
        DeviceChoice::Custom { class, range } => {
            let label = protocol
                .device_class(class)
                .map_or(class.as_str(), |c| c.label.as_str());
            format!("{label}, {range} as entered")
        }
    }
}

fn decision_heading(decision: Decision) -> &'static str {
    match decision {
        Decision::Proceed => "PROCEED",
        Decision::ProceedWithPrecautions => "PROCEED WITH PRECAUTIONS",
        Decision::Defer => "DEFER",
        Decision::NotCandidate => "NOT A CANDIDATE",
        Decision::Refer => "REFER TO A PHYSICIAN",
    }
}

fn effect_tag(effect: Effect) -> &'static str {
    match effect {
        Effect::HardStop => "HARD STOP",
        Effect::Refer => "REFER",
        Effect::Defer => "DEFER",
        Effect::ExcludeZone => "EXCLUDE ZONE",
        Effect::Precaution => "PRECAUTION",
        Effect::Info => "NOTE",
    }
}

/// Wraps `text` to the page width. The first line starts at column `first_column`; the lines
/// after it are indented by `indent`.
pub(crate) fn wrap(text: &str, indent: usize, first_column: usize) -> String {
    let mut out = String::new();
    let mut column = first_column;
    for (i, word) in text.split_whitespace().enumerate() {
        let length = word.chars().count();
        if i > 0 && column + 1 + length > WIDTH {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            column = indent;
        } else if i > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += length;
    }
    out
}

pub(crate) fn section(out: &mut String, title: &str) {
    let _ = write!(out, "\n{title}\n{}\n", "-".repeat(title.chars().count()));
}

pub fn render(protocol: &Protocol, intake: &Intake, plan: &Plan) -> String {
    let mut out = String::new();
    let title = "NEEDLEPOINT TREATMENT PLAN";
    let stamp = plan.protocol.to_string();
    let _ = writeln!(
        out,
        "{title}{}{stamp}",
        " ".repeat(WIDTH.saturating_sub(title.len() + stamp.len()).max(2))
    );
    let _ = writeln!(out, "{}", "=".repeat(WIDTH));
    let _ = writeln!(
        out,
        "Treatment date {}   Born {} (age {})   Fitzpatrick type {}   Session {}",
        intake.date,
        intake.client.birth_date,
        intake.age_on_treatment_date(),
        intake.client.fitzpatrick,
        intake.session_number
    );
    let _ = writeln!(out, "Device: {}", device_description(protocol, intake));
    let areas: Vec<String> = intake.areas.iter().map(|a| protocol.zone_label(a)).collect();
    let concerns: Vec<String> = intake
        .concerns
        .iter()
        .map(|c| protocol.concern_label(c))
        .collect();
    let _ = writeln!(out, "Areas: {}", wrap(&areas.join(", "), 7, 7));
    let _ = writeln!(out, "Concerns: {}", wrap(&concerns.join(", "), 10, 10));

    render_decision(&mut out, protocol, plan);
    render_zones(&mut out, protocol, plan);
    render_session(&mut out, plan);
    render_series(&mut out, protocol, plan);
    render_care(&mut out, plan);

    let _ = write!(
        out,
        "\n{}\n{}\n",
        "=".repeat(WIDTH),
        wrap(
            "Microneedling is minimally invasive. This plan supports the practitioner's judgement; it is not a diagnosis. \
             Depths are device settings, not tissue depth: adjust to the end-point observed.",
            0,
            0
        )
    );
    out
}

fn render_decision(out: &mut String, protocol: &Protocol, plan: &Plan) {
    let screening = &plan.screening;
    section(
        out,
        &format!("DECISION: {}", decision_heading(screening.decision)),
    );
    if let Some(until) = screening.defer_until {
        let _ = writeln!(out, "Not before {until}.");
    }
    if !screening.decision.allows_treatment() {
        let _ = writeln!(
            out,
            "No session may be booked on this intake. The zones below show what would be planned."
        );
    }
    if !screening.excluded_zones.is_empty() {
        let excluded: Vec<String> = screening
            .excluded_zones
            .iter()
            .map(|z| protocol.zone_label(z))
            .collect();
        let _ = writeln!(out, "Excluded zones: {}", excluded.join(", "));
    }
    if screening.findings.is_empty() {
        let _ = writeln!(out, "No screening rule fired.");
    }
    for finding in &screening.findings {
        render_finding(out, protocol, finding);
    }
}

fn render_finding(out: &mut String, protocol: &Protocol, finding: &Finding) {
    let zones = if finding.zones.is_empty() {
        String::new()
    } else {
        let labels: Vec<String> = finding.zones.iter().map(|z| protocol.zone_label(z)).collect();
        format!(" ({})", labels.join(", "))
    };
    let head = format!("[{}] {}{zones}", effect_tag(finding.effect), finding.rule);
    let _ = writeln!(out, "\n{head}");
    let _ = writeln!(out, "    {}", wrap(&finding.message, 4, 4));
    let evidence: Vec<&str> = finding.evidence.iter().map(|e| e.letter()).collect();
    let _ = writeln!(
        out,
        "    Sources: {} [{}]",
        finding.sources.join(", "),
        evidence.join(", ")
    );
}

fn render_zones(out: &mut String, protocol: &Protocol, plan: &Plan) {
    section(out, "DEPTH BY ZONE (needle setting, mm)");
    if plan.zones.is_empty() {
        let _ = writeln!(out, "No zone can be planned.");
    } else {
        let _ = writeln!(
            out,
            "{:<22} {:<40} {:>10} {:>8}",
            "Zone", "Concerns", "Range", "Planned"
        );
        for zone in &plan.zones {
            let concerns: Vec<String> = zone.concerns.iter().map(|c| protocol.concern_label(c)).collect();
            let range = format!("{}-{}", zone.depth_mm.min, zone.depth_mm.max);
            let _ = writeln!(
                out,
                "{:<22} {:<40} {:>10} {:>8}",
                zone.label,
                truncate(&concerns.join(", "), 40),
                range,
                zone.depth_mm.planned.to_string()
            );
        }
        for zone in &plan.zones {
            let _ = writeln!(out, "\n{}:", zone.label);
            for reason in &zone.reasons {
                let _ = writeln!(out, "  - {}", wrap(reason, 4, 4));
            }
            for restriction in &zone.restrictions {
                let _ = writeln!(out, "  ! {}", wrap(restriction, 4, 4));
            }
            let _ = writeln!(out, "    Sources: {}", zone.sources.join(", "));
        }
    }
    for unplanned in &plan.unplanned_zones {
        let _ = writeln!(out, "\nNot planned: {}", protocol.zone_label(&unplanned.zone));
        let _ = writeln!(out, "  {}", wrap(&unplanned.reason, 2, 2));
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

fn render_session(out: &mut String, plan: &Plan) {
    let session = &plan.session;
    section(
        out,
        &format!(
            "SESSION TIMELINE: {} min to book ({} min if numbed before arrival)",
            session.total_minutes, session.total_without_numbing_minutes
        ),
    );
    for step in &session.steps {
        let _ = writeln!(out, "{:>4} min  {}", step.minutes, wrap(&step.label, 11, 11));
    }
    let _ = writeln!(
        out,
        "{:>4} min  total ({} min of needling)",
        session.total_minutes, session.needling_minutes
    );
}

fn render_series(out: &mut String, protocol: &Protocol, plan: &Plan) {
    let series = &plan.series;
    section(out, "SERIES");
    if series.tracks.is_empty() {
        let _ = writeln!(out, "No series: no zone can be planned.");
        return;
    }
    for track in &series.tracks {
        let zones: Vec<String> = track.zones.iter().map(|z| protocol.zone_label(z)).collect();
        let dates: Vec<String> = track.dates.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "{}: {} session(s), every {} days (allowed {}-{})",
            wrap(&zones.join(", "), 2, 0),
            track.sessions,
            track.interval_days.planned,
            track.interval_days.min,
            track.interval_days.max
        );
        let _ = writeln!(out, "  Dates: {}", wrap(&dates.join(", "), 9, 9));
        for reason in &track.reasons {
            let _ = writeln!(out, "  - {}", wrap(reason, 4, 4));
        }
    }
}

/// `2026-12-01 to 2026-12-02  text`, the text wrapped under itself; an item the sources leave to
/// the clinician says so, with the conflict, for the practitioner.
fn dated_rows(out: &mut String, items: &[AfterCare]) {
    for item in items {
        let _ = writeln!(
            out,
            "{} to {}  {}",
            item.from,
            item.until,
            wrap(&item.text, 26, 26)
        );
        if let Some(note) = &item.clinician_choice {
            let _ = writeln!(
                out,
                "{}{}",
                " ".repeat(26),
                wrap(&format!("Clinician's choice: {note}"), 26, 26)
            );
        }
    }
}

fn render_care(out: &mut String, plan: &Plan) {
    let care = &plan.care;
    section(out, "BEFORE THE SESSION");
    for item in &care.before {
        let _ = writeln!(out, "{}  {}", item.on, wrap(&item.text, 12, 12));
    }
    section(out, "AFTER THE SESSION");
    dated_rows(out, &care.after);
    section(out, "WHAT IS NORMAL");
    dated_rows(out, &care.expected);
    section(out, "CONTACT THE CLINIC IF YOU NOTICE");
    for sign in &care.warning_signs {
        let _ = writeln!(out, "- {}", wrap(sign, 2, 2));
    }
}
