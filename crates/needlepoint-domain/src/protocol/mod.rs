//! The treatment protocol: the clinical knowledge the engine applies, read from TOML data files
//! (the `protocol/` folder at the top of the repository, embedded in the binary; a clinic may
//! replace any file). Every entry carries its sources and evidence tags.

pub mod describe;
pub mod digest;
mod files;
mod load;
pub mod questions;
mod raw;

use std::collections::BTreeMap;

pub use files::{EMBEDDED, FILE_NAMES, ProtocolFile};
pub use load::ProtocolProblem;
pub use questions::{AnswerChoice, AnswerKind, CheckinQuestion, Question, Requirement};

use crate::depth::{DepthRange, Mm};
use crate::evidence::Cited;
use crate::intake::Severity;

/// A complete, validated protocol.
#[derive(Clone, Debug)]
pub struct Protocol {
    pub name: String,
    pub version: String,
    /// SHA-256 of the files' canonical content (`sha256:…`): see [`digest`].
    pub digest: String,
    pub sources: Vec<Source>,
    pub zones: Vec<Zone>,
    pub concerns: Vec<Concern>,
    pub device_classes: Vec<DeviceClass>,
    pub device_models: Vec<DeviceModel>,
    /// The intake's history questions: what the intake reader accepts, in the order to ask them.
    pub questions: Vec<Question>,
    /// The check-in's "anything changed since your last visit?" questions.
    pub checkin_questions: Vec<CheckinQuestion>,
    pub conditions: Vec<ConditionDef>,
    /// The severity assumed for an active condition reported without one.
    pub unstated_severity: Severity,
    /// Whether a referral's finding also names the date every waiting period allows
    /// (`[settings] referral_carries_waiting_dates`). The plan's dates follow the waits either way.
    pub referral_carries_waiting_dates: bool,
    /// Where screening.toml's `[settings]` come from.
    pub screening_settings_cited: Cited,
    pub rules: Vec<Rule>,
    pub steps: Vec<Step>,
    pub anaesthetics: Vec<Anaesthetic>,
    pub numbing: NumbingSettings,
    pub depth: DepthSettings,
    pub series: SeriesSettings,
    pub care: CareProtocol,
}

#[derive(Clone, Debug)]
pub struct Source {
    pub id: String,
    pub citation: String,
}

#[derive(Clone, Debug)]
pub struct Zone {
    pub id: String,
    pub label: String,
    pub region: String,
    /// The planning bounds: never planned outside them.
    pub bounds: DepthRange,
    /// A deeper maximum allowed only for some concerns.
    pub extended: Option<ExtendedMax>,
    pub needling_minutes: u32,
    /// A handling rule the practitioner must follow on this zone.
    pub restriction: Option<String>,
    pub note: Option<String>,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct ExtendedMax {
    pub max: Mm,
    pub concerns: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Concern {
    pub id: String,
    pub label: String,
    pub regions: Vec<String>,
    pub range: DepthRange,
    pub sessions: u32,
    pub interval: IntervalDays,
    pub lengthen_for_darker_skin: bool,
    pub note: Option<String>,
    pub advisory: Option<Advisory>,
    pub cited: Cited,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IntervalDays {
    pub min: u32,
    pub max: u32,
}

/// A note shown with every plan that asks for a concern.
#[derive(Clone, Debug)]
pub struct Advisory {
    pub message: String,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct DeviceClass {
    pub id: String,
    pub label: String,
    pub range: DepthRange,
    pub note: Option<String>,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct DeviceModel {
    pub id: String,
    pub label: String,
    pub class: String,
    pub range: DepthRange,
    /// The label keeps treatment outside the orbital rim.
    pub orbital_rim_block: bool,
    /// Concerns the device is labelled for; `None` when the catalogue does not say.
    pub labelled_indications: Option<Vec<String>>,
    pub labelled_min_age: Option<u32>,
    /// Highest Fitzpatrick type the label covers, per concern.
    pub labelled_fitzpatrick_max: BTreeMap<String, u8>,
    pub authorisation: Option<String>,
    pub note: Option<String>,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct ConditionDef {
    pub id: String,
    pub label: String,
    /// Does not settle with time (a tattoo): a zone excluded by it stays excluded.
    pub lasting: bool,
}

/// What a screening rule does when it fires. Ordered from strongest to weakest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    HardStop,
    Refer,
    Defer,
    ExcludeZone,
    Precaution,
    Info,
}

impl Effect {
    pub const ALL: [Effect; 6] = [
        Effect::HardStop,
        Effect::Refer,
        Effect::Defer,
        Effect::ExcludeZone,
        Effect::Precaution,
        Effect::Info,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Effect::HardStop => "hard_stop",
            Effect::Refer => "refer",
            Effect::Defer => "defer",
            Effect::ExcludeZone => "exclude_zone",
            Effect::Precaution => "precaution",
            Effect::Info => "info",
        }
    }

    pub fn from_name(name: &str) -> Option<Effect> {
        Effect::ALL.into_iter().find(|e| e.name() == name)
    }
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    /// A rule the protocol carries switched off is an option a clinic may turn on.
    pub enabled: bool,
    /// Rules whose findings this one takes the place of, in the zones where it fires (an
    /// exception to them).
    pub replaces: Vec<String>,
    pub effect: Effect,
    pub trigger: Trigger,
    /// When not empty, the rule fires only for these Fitzpatrick types.
    pub fitzpatrick_any: Vec<u8>,
    /// When given, the rule fires only when a choice question has one of these answers.
    pub choice: Option<ChoiceTest>,
    /// When not empty, the rule fires only if a requested zone is among these.
    pub zones_any: Vec<String>,
    /// When not empty, the rule fires only if a requested zone lies in one of these regions.
    pub regions_any: Vec<String>,
    /// Days that must pass after the treatment date before a session (something must start
    /// beforehand, such as an antiviral): the plan's earliest session moves by that much.
    pub lead_days: Option<u32>,
    /// For a deferral without a dated history item (sunburn): check the client again this many
    /// days after the treatment date.
    pub recheck_days: Option<u32>,
    pub message: String,
    pub cited: Cited,
}

/// What makes a rule fire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// A yes/no question answered yes.
    History(String),
    /// A dated question whose date is within the wait.
    HistoryDate {
        field: String,
        wait: Wait,
    },
    Condition {
        condition: String,
        severity_at_least: Option<Severity>,
        severity_at_most: Option<Severity>,
    },
    AgeUnder(u32),
    FitzpatrickAtLeast(u8),
    /// A choice question answered with one of the listed choices (on its own, with no other
    /// trigger).
    Choice(ChoiceTest),
}

/// A choice question's answer among `any_of`; the choice `unanswered` matches a blank answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceTest {
    pub question: String,
    pub any_of: Vec<String>,
}

impl ChoiceTest {
    /// The name a rule uses for a blank answer.
    pub const UNANSWERED: &'static str = "unanswered";

    pub fn matches(&self, answer: Option<&str>) -> bool {
        let given = answer.unwrap_or(ChoiceTest::UNANSWERED);
        self.any_of.iter().any(|c| c == given)
    }
}

/// A waiting period after a dated event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    Days(u32),
    Months(u32),
}

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Wait::Days(1) => write!(f, "1 day"),
            Wait::Days(n) => write!(f, "{n} days"),
            Wait::Months(1) => write!(f, "1 month"),
            Wait::Months(n) => write!(f, "{n} months"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Fixed,
    Numbing,
    /// Expands into one step per planned zone.
    Needling,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub id: String,
    pub kind: StepKind,
    pub label: String,
    pub minutes: u32,
    /// The range the minutes may be adjusted within (numbing dwell).
    pub min_minutes: Option<u32>,
    pub max_minutes: Option<u32>,
    pub note: Option<String>,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct Anaesthetic {
    pub id: String,
    pub label: String,
    pub min_minutes: u32,
    pub max_minutes: u32,
    pub note: Option<String>,
    pub cited: Cited,
}

/// Which range the first-session rule for darker skin halves (`[depth] first_session_lower_half_of`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HalvedRange {
    /// The zone's own bounds (with their extension when an extending concern is planned): the
    /// reference's reading (sections 1.8 and 2.3).
    Zone,
    /// The concern's usual range inside the zone's bounds: deeper than the reference's reading.
    ConcernRange,
}

impl HalvedRange {
    pub const ALL: [HalvedRange; 2] = [HalvedRange::Zone, HalvedRange::ConcernRange];

    pub fn name(self) -> &'static str {
        match self {
            HalvedRange::Zone => "zone",
            HalvedRange::ConcernRange => "concern_range",
        }
    }
}

/// How the concerns requested on one zone combine into its range (`[depth] concerns_combine`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConcernCombination {
    /// The deepest concern whose range fits the zone drives the range.
    Deepest,
    /// The shallowest concern whose range fits the zone drives the range: the conservative choice.
    Shallowest,
}

impl ConcernCombination {
    pub const ALL: [ConcernCombination; 2] = [ConcernCombination::Deepest, ConcernCombination::Shallowest];

    pub fn name(self) -> &'static str {
        match self {
            ConcernCombination::Deepest => "deepest",
            ConcernCombination::Shallowest => "shallowest",
        }
    }
}

/// Numbing in the treatment room (`[numbing]` in procedure.toml).
#[derive(Clone, Debug)]
pub struct NumbingSettings {
    /// Zones offered on the chart's numbing list besides the planned ones.
    pub extra_zones: Vec<String>,
    /// Sets of regions: numbing under occlusion over every region of one set at once is a large
    /// area, and the chart warns.
    pub large_area_regions: Vec<Vec<String>>,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct DepthSettings {
    pub step: Mm,
    pub first_session_lower_half_fitzpatrick: Vec<u8>,
    pub first_session_lower_half_of: HalvedRange,
    pub concerns_combine: ConcernCombination,
    /// (planned depth up to, end-point), ascending.
    pub endpoints: Vec<(Mm, String)>,
    pub deeper_endpoint: String,
    pub darker_skin_first_session_endpoint: String,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct SeriesSettings {
    pub floor_days: u32,
    pub lengthen_for_darker_skin_days: u32,
    pub lengthen_for_darker_skin_fitzpatrick: Vec<u8>,
    pub cited: Cited,
}

#[derive(Clone, Debug, Default)]
pub struct CareProtocol {
    pub before: Vec<BeforeItem>,
    pub after: Vec<AfterItem>,
    pub expected: Vec<ExpectedEffect>,
    pub warning_signs: Vec<WarningSign>,
}

/// Limits a care item to some plans.
#[derive(Clone, Debug, Default)]
pub struct CareFilter {
    pub regions_any: Vec<String>,
    /// A yes/no question that must have been answered yes.
    pub history: Option<String>,
}

#[derive(Clone, Debug)]
pub struct BeforeItem {
    pub id: String,
    pub days_before: u32,
    pub text: String,
    pub filter: CareFilter,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct AfterItem {
    pub id: String,
    pub from_day: u32,
    pub until_day: u32,
    pub text: String,
    pub filter: CareFilter,
    /// The sources conflict and the clinician decides: why, for the practitioner.
    pub clinician_choice: Option<String>,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct ExpectedEffect {
    pub id: String,
    pub from_day: u32,
    /// (deepest planned depth up to, days), ascending.
    pub windows: Vec<(Mm, u32)>,
    pub deeper_days: u32,
    pub min_depth: Option<Mm>,
    pub text: String,
    pub cited: Cited,
}

#[derive(Clone, Debug)]
pub struct WarningSign {
    pub id: String,
    pub text: String,
    pub cited: Cited,
}

impl DepthSettings {
    /// The end-point to needle to at this planned depth.
    pub fn endpoint(&self, planned: Mm, darker_first_session: bool) -> &str {
        if darker_first_session {
            return &self.darker_skin_first_session_endpoint;
        }
        self.endpoints
            .iter()
            .find(|(up_to, _)| planned <= *up_to)
            .map_or(self.deeper_endpoint.as_str(), |(_, text)| text.as_str())
    }
}

impl Protocol {
    /// The protocol shipped with Needlepoint.
    pub fn embedded() -> Result<Protocol, Vec<ProtocolProblem>> {
        Protocol::from_files(&EMBEDDED)
    }

    /// Reads and validates a protocol from its files. Every problem is reported, not just the first.
    pub fn from_files(files: &[ProtocolFile<'_>]) -> Result<Protocol, Vec<ProtocolProblem>> {
        load::load(files)
    }

    /// What every plan made with this protocol records: its name, version and content digest.
    pub fn stamp(&self) -> crate::plan::ProtocolStamp {
        crate::plan::ProtocolStamp {
            name: self.name.clone(),
            version: self.version.clone(),
            digest: self.digest.clone(),
        }
    }

    pub fn zone(&self, id: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.id == id)
    }

    pub fn concern(&self, id: &str) -> Option<&Concern> {
        self.concerns.iter().find(|c| c.id == id)
    }

    /// A zone as people name it; an id the protocol does not know is shown as it is.
    pub fn zone_label(&self, id: &str) -> String {
        self.zone(id).map_or_else(|| id.to_string(), |z| z.label.clone())
    }

    /// A concern as people name it; an id the protocol does not know is shown as it is.
    pub fn concern_label(&self, id: &str) -> String {
        self.concern(id)
            .map_or_else(|| id.to_string(), |c| c.label.clone())
    }

    pub fn device_class(&self, id: &str) -> Option<&DeviceClass> {
        self.device_classes.iter().find(|c| c.id == id)
    }

    pub fn device_model(&self, id: &str) -> Option<&DeviceModel> {
        self.device_models.iter().find(|m| m.id == id)
    }

    /// A history question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn condition(&self, id: &str) -> Option<&ConditionDef> {
        self.conditions.iter().find(|c| c.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Every citation in the protocol, with a label saying which entry carries it.
    pub fn citations(&self) -> Vec<(String, &Cited)> {
        let mut all: Vec<(String, &Cited)> = Vec::new();
        all.extend(self.zones.iter().map(|e| (format!("zone {}", e.id), &e.cited)));
        for concern in &self.concerns {
            all.push((format!("concern {}", concern.id), &concern.cited));
            if let Some(advisory) = &concern.advisory {
                all.push((format!("concern {} advisory", concern.id), &advisory.cited));
            }
        }
        all.extend(
            self.device_classes
                .iter()
                .map(|e| (format!("device class {}", e.id), &e.cited)),
        );
        all.extend(
            self.device_models
                .iter()
                .map(|e| (format!("device model {}", e.id), &e.cited)),
        );
        all.extend(
            self.questions
                .iter()
                .map(|e| (format!("question {}", e.id), &e.cited)),
        );
        all.extend(
            self.checkin_questions
                .iter()
                .map(|e| (format!("check-in question {}", e.id), &e.cited)),
        );
        all.push(("screening settings".into(), &self.screening_settings_cited));
        all.extend(self.rules.iter().map(|e| (format!("rule {}", e.id), &e.cited)));
        all.extend(self.steps.iter().map(|e| (format!("step {}", e.id), &e.cited)));
        all.extend(
            self.anaesthetics
                .iter()
                .map(|e| (format!("anaesthetic {}", e.id), &e.cited)),
        );
        all.push(("numbing settings".into(), &self.numbing.cited));
        all.push(("depth settings".into(), &self.depth.cited));
        all.push(("series settings".into(), &self.series.cited));
        all.extend(
            self.care
                .before
                .iter()
                .map(|e| (format!("before-care {}", e.id), &e.cited)),
        );
        all.extend(
            self.care
                .after
                .iter()
                .map(|e| (format!("after-care {}", e.id), &e.cited)),
        );
        all.extend(
            self.care
                .expected
                .iter()
                .map(|e| (format!("expected effect {}", e.id), &e.cited)),
        );
        all.extend(
            self.care
                .warning_signs
                .iter()
                .map(|e| (format!("warning sign {}", e.id), &e.cited)),
        );
        all
    }
}
