//! The answers to the history questions. Which questions exist, and what kind of answer each
//! takes, is the protocol's (`questions.toml`); the answers are kept by question id.
//!
//! `HistoryFlag` and `HistoryDate` name the questions of the intake contract
//! (`docs/intake-and-plan.md`) for code that wants them by name; the protocol's
//! question list (`Protocol::questions`) is the whole set, and may hold more.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

/// A yes/no question of the intake contract. Absent means no.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HistoryFlag {
    Pregnant,
    Breastfeeding,
    IsotretinoinCurrent,
    Anticoagulants,
    BleedingDisorder,
    KeloidHistory,
    HsvHistory,
    MetalAllergy,
    AnestheticAllergy,
    DiabetesUncontrolled,
    Immunosuppressed,
    AutoimmuneCollagenDisease,
    ChemoRadiationCurrent,
    ImplantedElectronicDevice,
    PhotosensitisingMedication,
}

impl HistoryFlag {
    pub const ALL: [HistoryFlag; 15] = [
        HistoryFlag::Pregnant,
        HistoryFlag::Breastfeeding,
        HistoryFlag::IsotretinoinCurrent,
        HistoryFlag::Anticoagulants,
        HistoryFlag::BleedingDisorder,
        HistoryFlag::KeloidHistory,
        HistoryFlag::HsvHistory,
        HistoryFlag::MetalAllergy,
        HistoryFlag::AnestheticAllergy,
        HistoryFlag::DiabetesUncontrolled,
        HistoryFlag::Immunosuppressed,
        HistoryFlag::AutoimmuneCollagenDisease,
        HistoryFlag::ChemoRadiationCurrent,
        HistoryFlag::ImplantedElectronicDevice,
        HistoryFlag::PhotosensitisingMedication,
    ];

    /// The field name in the intake contract.
    pub fn name(self) -> &'static str {
        match self {
            HistoryFlag::Pregnant => "pregnant",
            HistoryFlag::Breastfeeding => "breastfeeding",
            HistoryFlag::IsotretinoinCurrent => "isotretinoin_current",
            HistoryFlag::Anticoagulants => "anticoagulants",
            HistoryFlag::BleedingDisorder => "bleeding_disorder",
            HistoryFlag::KeloidHistory => "keloid_history",
            HistoryFlag::HsvHistory => "hsv_history",
            HistoryFlag::MetalAllergy => "metal_allergy",
            HistoryFlag::AnestheticAllergy => "anesthetic_allergy",
            HistoryFlag::DiabetesUncontrolled => "diabetes_uncontrolled",
            HistoryFlag::Immunosuppressed => "immunosuppressed",
            HistoryFlag::AutoimmuneCollagenDisease => "autoimmune_collagen_disease",
            HistoryFlag::ChemoRadiationCurrent => "chemo_radiation_current",
            HistoryFlag::ImplantedElectronicDevice => "implanted_electronic_device",
            HistoryFlag::PhotosensitisingMedication => "photosensitising_medication",
        }
    }

    pub fn from_name(name: &str) -> Option<HistoryFlag> {
        HistoryFlag::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A dated question of the intake contract: when something last happened. Absent means never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HistoryDate {
    IsotretinoinLastDose,
    TopicalRetinoidLastUse,
    ExfoliantLastUse,
    DermalFillerLast,
    NeuromodulatorLast,
    ChemicalPeelLast,
    /// A laser treatment whose type was not recorded.
    LaserLast,
    LaserAblativeLast,
    LaserNonAblativeLast,
    TanningLast,
    FacialSurgeryLast,
    RadiotherapyLast,
}

impl HistoryDate {
    pub const ALL: [HistoryDate; 12] = [
        HistoryDate::IsotretinoinLastDose,
        HistoryDate::TopicalRetinoidLastUse,
        HistoryDate::ExfoliantLastUse,
        HistoryDate::DermalFillerLast,
        HistoryDate::NeuromodulatorLast,
        HistoryDate::ChemicalPeelLast,
        HistoryDate::LaserLast,
        HistoryDate::LaserAblativeLast,
        HistoryDate::LaserNonAblativeLast,
        HistoryDate::TanningLast,
        HistoryDate::FacialSurgeryLast,
        HistoryDate::RadiotherapyLast,
    ];

    /// The field name in the intake contract.
    pub fn name(self) -> &'static str {
        match self {
            HistoryDate::IsotretinoinLastDose => "isotretinoin_last_dose",
            HistoryDate::TopicalRetinoidLastUse => "topical_retinoid_last_use",
            HistoryDate::ExfoliantLastUse => "exfoliant_last_use",
            HistoryDate::DermalFillerLast => "dermal_filler_last",
            HistoryDate::NeuromodulatorLast => "neuromodulator_last",
            HistoryDate::ChemicalPeelLast => "chemical_peel_last",
            HistoryDate::LaserLast => "laser_last",
            HistoryDate::LaserAblativeLast => "laser_ablative_last",
            HistoryDate::LaserNonAblativeLast => "laser_non_ablative_last",
            HistoryDate::TanningLast => "tanning_last",
            HistoryDate::FacialSurgeryLast => "facial_surgery_last",
            HistoryDate::RadiotherapyLast => "radiotherapy_last",
        }
    }

    pub fn from_name(name: &str) -> Option<HistoryDate> {
        HistoryDate::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// One answer, of the kind its question takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    YesNo(bool),
    Date(Date),
    /// The id of one of the question's choices.
    Choice(String),
}

/// The answers to the history questions, by question id. A question without an answer is blank.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    answers: BTreeMap<String, Answer>,
}

impl History {
    pub fn answer(&self, question: &str) -> Option<&Answer> {
        self.answers.get(question)
    }

    /// Whether a yes/no question was answered yes (blank or no: false).
    pub fn yes(&self, question: &str) -> bool {
        matches!(self.answers.get(question), Some(Answer::YesNo(true)))
    }

    /// The date a dated question was answered with (blank: `None`, never).
    pub fn date_of(&self, question: &str) -> Option<Date> {
        match self.answers.get(question) {
            Some(Answer::Date(date)) => Some(*date),
            _ => None,
        }
    }

    /// The choice a choice question was answered with (blank: `None`).
    pub fn choice(&self, question: &str) -> Option<&str> {
        match self.answers.get(question) {
            Some(Answer::Choice(choice)) => Some(choice),
            _ => None,
        }
    }

    pub fn set(&mut self, question: impl Into<String>, answer: Answer) {
        self.answers.insert(question.into(), answer);
    }

    /// Leaves a question blank.
    pub fn clear(&mut self, question: &str) {
        self.answers.remove(question);
    }

    /// Every answer, by question id in id order.
    pub fn answers(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.answers.iter().map(|(id, answer)| (id.as_str(), answer))
    }

    pub fn flag(&self, flag: HistoryFlag) -> bool {
        self.yes(flag.name())
    }

    pub fn set_flag(&mut self, flag: HistoryFlag, value: bool) {
        self.set(flag.name(), Answer::YesNo(value));
    }

    pub fn date(&self, field: HistoryDate) -> Option<Date> {
        self.date_of(field.name())
    }

    pub fn set_date(&mut self, field: HistoryDate, value: Option<Date>) {
        match value {
            Some(date) => self.set(field.name(), Answer::Date(date)),
            None => self.clear(field.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for flag in HistoryFlag::ALL {
            assert_eq!(HistoryFlag::from_name(flag.name()), Some(flag));
        }
        for field in HistoryDate::ALL {
            assert_eq!(HistoryDate::from_name(field.name()), Some(field));
        }
    }

    #[test]
    fn a_blank_answer_is_neither_yes_nor_no() {
        let mut history = History::default();
        assert!(!history.yes("pregnant"));
        assert_eq!(history.answer("pregnant"), None);
        history.set_flag(HistoryFlag::Pregnant, false);
        assert_eq!(history.answer("pregnant"), Some(&Answer::YesNo(false)));
        assert!(!history.flag(HistoryFlag::Pregnant));
        history.set_date(HistoryDate::LaserLast, Some(jiff::civil::date(2026, 1, 2)));
        assert_eq!(history.date_of("laser_last"), Some(jiff::civil::date(2026, 1, 2)));
        history.set_date(HistoryDate::LaserLast, None);
        assert_eq!(history.answer("laser_last"), None);
    }
}
