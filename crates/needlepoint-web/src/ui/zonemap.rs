//! The drawn zone map: a face, neck and chest from the front, with scalp, hands and body beside.
//! On the intake form it mirrors the zone checkboxes (which stay the accessible control); on the
//! plan it colours each zone by its planned depth.

use maud::{Markup, PreEscaped, html};

/// One drawn shape: an SVG element with its attributes, belonging to a zone.
struct Shape {
    zone: &'static str,
    svg: &'static str,
}

const SHAPES: &[Shape] = &[
    Shape {
        zone: "scalp",
        svg: r#"<ellipse cx="150" cy="38" rx="72" ry="24"/>"#,
    },
    Shape {
        zone: "forehead",
        svg: r#"<rect x="98" y="66" width="104" height="36" rx="14"/>"#,
    },
    Shape {
        zone: "temples",
        svg: r#"<ellipse cx="80" cy="112" rx="13" ry="20"/>"#,
    },
    Shape {
        zone: "temples",
        svg: r#"<ellipse cx="220" cy="112" rx="13" ry="20"/>"#,
    },
    Shape {
        zone: "glabella",
        svg: r#"<rect x="139" y="104" width="22" height="18" rx="5"/>"#,
    },
    Shape {
        zone: "periorbital",
        svg: r#"<ellipse cx="117" cy="134" rx="23" ry="12"/>"#,
    },
    Shape {
        zone: "periorbital",
        svg: r#"<ellipse cx="183" cy="134" rx="23" ry="12"/>"#,
    },
    Shape {
        zone: "nose",
        svg: r#"<path d="M142 126 L158 126 L166 182 L134 182 Z"/>"#,
    },
    Shape {
        zone: "cheeks",
        svg: r#"<ellipse cx="101" cy="180" rx="27" ry="30"/>"#,
    },
    Shape {
        zone: "cheeks",
        svg: r#"<ellipse cx="199" cy="180" rx="27" ry="30"/>"#,
    },
    Shape {
        zone: "perioral",
        svg: r#"<ellipse cx="150" cy="212" rx="30" ry="13"/>"#,
    },
    Shape {
        zone: "chin",
        svg: r#"<ellipse cx="150" cy="246" rx="26" ry="13"/>"#,
    },
    Shape {
        zone: "jawline",
        svg: r#"<path d="M74 196 L90 240 L120 262 L114 270 L80 248 L64 200 Z"/>"#,
    },
    Shape {
        zone: "jawline",
        svg: r#"<path d="M226 196 L210 240 L180 262 L186 270 L220 248 L236 200 Z"/>"#,
    },
    Shape {
        zone: "neck",
        svg: r#"<rect x="118" y="276" width="64" height="46" rx="8"/>"#,
    },
    Shape {
        zone: "decolletage",
        svg: r#"<ellipse cx="150" cy="352" rx="104" ry="28"/>"#,
    },
    Shape {
        zone: "hands",
        svg: r#"<rect x="262" y="300" width="26" height="40" rx="8"/>"#,
    },
    Shape {
        zone: "hands",
        svg: r#"<rect x="12" y="300" width="26" height="40" rx="8"/>"#,
    },
    Shape {
        zone: "body",
        svg: r#"<rect x="70" y="392" width="160" height="36" rx="10"/>"#,
    },
];

/// The map. `class_of(zone)` gives each zone's extra CSS class (selected, a depth band, excluded).
pub fn map(
    label: &str,
    decorative: bool,
    class_of: impl Fn(&str) -> String,
    title_of: impl Fn(&str) -> String,
) -> Markup {
    let mut zones: Vec<&str> = SHAPES.iter().map(|s| s.zone).collect();
    zones.dedup();
    html! {
        svg.zonemap viewBox="0 0 300 440" xmlns="http://www.w3.org/2000/svg"
            role=[(!decorative).then_some("img")] aria-label=[(!decorative).then_some(label)] aria-hidden=[decorative.then_some("true")] {
            ellipse.face cx="150" cy="170" rx="88" ry="112" {}
            @for zone in zones {
                g class=(format!("zone {}", class_of(zone))) data-zone=(zone) {
                    title { (title_of(zone)) }
                    @for shape in SHAPES.iter().filter(|s| s.zone == zone) { (PreEscaped(shape.svg)) }
                }
            }
            text x="150" y="16" text-anchor="middle" { "scalp" }
            text x="150" y="438" text-anchor="middle" { "body" }
            text x="275" y="356" text-anchor="middle" { "hands" }
        }
    }
}

/// The CSS class for a planned depth: five bands, shallow to deep.
pub fn depth_band(mm: f64) -> &'static str {
    match mm {
        d if d <= 0.5 => "depth-1",
        d if d <= 0.75 => "depth-2",
        d if d <= 1.0 => "depth-3",
        d if d <= 1.5 => "depth-4",
        _ => "depth-5",
    }
}
