//! The check-in gate: whether a booked session may start today.
//!
//! Three things must hold: a valid treatment consent; a latest screening that allows treatment on
//! that date (a deferral whose date has not come, a hard stop or a referral blocks); and answers to
//! the short "anything changed since your last visit?" questions. When any answer is yes, the
//! client is screened again (a new intake) before the gate opens.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::plan::Decision;

/// The questions asked at every check-in. Each `true` means something changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
/// A question left out counts as "no" (an unticked box); leaving out all of them is "not asked".
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangesSinceLastVisit {
    /// New medicines, supplements or skin products (retinoids, isotretinoin, blood thinners…).
    pub new_medication: bool,
    /// A new diagnosis, illness, or a flare of a skin condition.
    pub new_condition: bool,
    /// Pregnant or breastfeeding since the last visit.
    pub pregnancy: bool,
    /// Sunburn, tanning, a sunbed or self-tanner on the area.
    pub sun_or_tanning: bool,
    /// Another procedure on the area: laser, peel, filler, botulinum toxin, waxing, threading.
    pub other_procedure: bool,
    /// A cold sore, spot, cut or infection on the area now.
    pub active_lesion: bool,
}

impl ChangesSinceLastVisit {
    /// The answers' field names, as `questions.toml`'s `[[checkin]]` entries name them.
    pub const FIELDS: [&str; 6] = [
        "new_medication",
        "new_condition",
        "pregnancy",
        "sun_or_tanning",
        "other_procedure",
        "active_lesion",
    ];

    /// The answers read by field name (a form's ticked boxes, say); a field it does not know is
    /// "no".
    pub fn from_answers(answered_yes: impl Fn(&str) -> bool) -> ChangesSinceLastVisit {
        ChangesSinceLastVisit {
            new_medication: answered_yes("new_medication"),
            new_condition: answered_yes("new_condition"),
            pregnancy: answered_yes("pregnancy"),
            sun_or_tanning: answered_yes("sun_or_tanning"),
            other_procedure: answered_yes("other_procedure"),
            active_lesion: answered_yes("active_lesion"),
        }
    }

    pub fn any(&self) -> bool {
        self.new_medication
            || self.new_condition
            || self.pregnancy
            || self.sun_or_tanning
            || self.other_procedure
            || self.active_lesion
    }
}

/// What the gate knows about the client on the day.
pub struct GateInput {
    pub session_date: Date,
    pub treatment_consent_valid: bool,
    /// The latest screening: its decision and the earliest date it allows a session
    /// (`defer_until`: a waiting period or a lead time, whatever the decision).
    pub decision: Decision,
    pub defer_until: Option<Date>,
    /// `None`: the questions were not answered.
    pub changes: Option<ChangesSinceLastVisit>,
    /// Whether the latest screening was taken after the change answers (a re-screen).
    pub rescreened_after_changes: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Blocker {
    /// A stable snake_case code: `no_treatment_consent`, `deferred`, `not_candidate`, `refer`,
    /// `changes_not_answered`, `rescreen_required`.
    pub code: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GateResult {
    pub may_start: bool,
    pub blockers: Vec<Blocker>,
}

pub fn check(input: &GateInput) -> GateResult {
    let mut blockers = Vec::new();
    let mut block = |code: &'static str, message: String| blockers.push(Blocker { code, message });
    if !input.treatment_consent_valid {
        block(
            "no_treatment_consent",
            "There is no valid treatment consent: the client signs the current consent before the session."
                .into(),
        );
    }
    match input.decision {
        Decision::Proceed | Decision::ProceedWithPrecautions => match input.defer_until {
            // A lead time or a wait under a decision that allows treatment: not before its date.
            Some(until) if until > input.session_date => block(
                "deferred",
                format!(
                    "The latest screening allows no session before {until} (a waiting period or a lead time such as an antiviral's); the session is on {}.",
                    input.session_date
                ),
            ),
            _ => {}
        },
        Decision::Defer => match input.defer_until {
            Some(until) if until <= input.session_date => {}
            Some(until) => block(
                "deferred",
                format!("The latest screening defers treatment until {until}; the session is on {}.", input.session_date),
            ),
            None => block(
                "deferred",
                "The latest screening defers treatment with no date: screen the client again once it has cleared.".into(),
            ),
        },
        Decision::NotCandidate => block(
            "not_candidate",
            "The latest screening found the client is not a candidate: a hard stop.".into(),
        ),
        Decision::Refer => block(
            "refer",
            "The latest screening refers the client to a physician: treatment waits for their clearance and a new screening.".into(),
        ),
    }
    match input.changes {
        None => block(
            "changes_not_answered",
            "Ask the \"anything changed since your last visit?\" questions first.".into(),
        ),
        Some(changes) if changes.any() && !input.rescreened_after_changes => block(
            "rescreen_required",
            "Something changed since the last visit: record an updated intake, which screens the client again.".into(),
        ),
        Some(_) => {}
    }
    GateResult {
        may_start: blockers.is_empty(),
        blockers,
    }
}
