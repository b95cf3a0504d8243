//! The history questions of the intake contract: yes/no questions and dates.

use jiff::civil::Date;

/// A yes/no history question. Absent means no.
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
}

impl HistoryFlag {
    pub const ALL: [HistoryFlag; 13] = [
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
        }
    }

    pub fn from_name(name: &str) -> Option<HistoryFlag> {
        HistoryFlag::ALL.into_iter().find(|f| f.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A dated history question: when something last happened. Absent means never.
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
}

impl HistoryDate {
    pub const ALL: [HistoryDate; 10] = [
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
        }
    }

    pub fn from_name(name: &str) -> Option<HistoryDate> {
        HistoryDate::ALL.into_iter().find(|f| f.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The answers to the history questions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    flags: [bool; HistoryFlag::ALL.len()],
    dates: [Option<Date>; HistoryDate::ALL.len()],
}

impl History {
    pub fn flag(&self, flag: HistoryFlag) -> bool {
        self.flags[flag.index()]
    }

    pub fn set_flag(&mut self, flag: HistoryFlag, value: bool) {
        self.flags[flag.index()] = value;
    }

    pub fn date(&self, field: HistoryDate) -> Option<Date> {
        self.dates[field.index()]
    }

    pub fn set_date(&mut self, field: HistoryDate, value: Option<Date>) {
        self.dates[field.index()] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_indices_match_positions() {
        for (i, flag) in HistoryFlag::ALL.into_iter().enumerate() {
            assert_eq!(HistoryFlag::from_name(flag.name()), Some(flag));
            assert_eq!(flag.index(), i);
        }
        for (i, field) in HistoryDate::ALL.into_iter().enumerate() {
            assert_eq!(HistoryDate::from_name(field.name()), Some(field));
            assert_eq!(field.index(), i);
        }
    }
}
