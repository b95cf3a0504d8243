//! The protocol files exactly as written: serde shapes that reject unknown keys, with spans so
//! that a problem found later can still name its line.

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: String,
    pub citation: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawZone {
    pub id: String,
    pub label: String,
    pub region: String,
    pub min_mm: f64,
    pub max_mm: f64,
    pub extended: Option<RawExtended>,
    pub needling_minutes: u32,
    pub restriction: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExtended {
    pub max_mm: f64,
    pub concerns: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConcern {
    pub id: String,
    pub label: String,
    pub regions: Vec<String>,
    pub min_mm: f64,
    pub max_mm: f64,
    pub sessions: u32,
    pub interval_min_days: u32,
    pub interval_max_days: u32,
    pub lengthen_for_darker_skin: Option<bool>,
    pub note: Option<String>,
    pub advisory: Option<RawAdvisory>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdvisory {
    pub message: String,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeviceClass {
    pub id: String,
    pub label: String,
    pub min_mm: f64,
    pub max_mm: f64,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeviceModel {
    pub id: String,
    pub label: String,
    pub class: String,
    pub min_mm: f64,
    pub max_mm: f64,
    #[serde(default)]
    pub orbital_rim_block: bool,
    pub labelled_indications: Option<Vec<String>>,
    pub labelled_min_age: Option<u32>,
    #[serde(default)]
    pub labelled_fitzpatrick_max: std::collections::BTreeMap<String, u8>,
    pub authorisation: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScreeningSettings {
    pub unstated_severity: String,
    pub referral_carries_waiting_dates: bool,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub lasting: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: String,
    pub enabled: Option<bool>,
    #[serde(default)]
    pub replaces: Vec<String>,
    pub effect: String,
    pub when: RawWhen,
    pub lead_days: Option<u32>,
    pub recheck_days: Option<u32>,
    pub message: String,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    pub history: Option<String>,
    pub history_date: Option<String>,
    pub wait_days: Option<u32>,
    pub wait_months: Option<u32>,
    pub condition: Option<String>,
    pub severity_at_least: Option<String>,
    pub severity_at_most: Option<String>,
    pub age_under: Option<u32>,
    pub fitzpatrick_at_least: Option<u8>,
    #[serde(default)]
    pub fitzpatrick_any: Vec<u8>,
    pub choice: Option<String>,
    #[serde(default)]
    pub choice_any: Vec<String>,
    #[serde(default)]
    pub zones_any: Vec<String>,
    #[serde(default)]
    pub regions_any: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: String,
    pub kind: Option<String>,
    pub label: String,
    pub minutes: u32,
    pub min_minutes: Option<u32>,
    pub max_minutes: Option<u32>,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnaesthetic {
    pub id: String,
    pub label: String,
    pub min_minutes: u32,
    pub max_minutes: u32,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDepthSettings {
    pub step_mm: f64,
    pub first_session_lower_half_fitzpatrick: Vec<u8>,
    pub first_session_lower_half_of: String,
    pub concerns_combine: String,
    pub endpoints: Vec<RawEndpoint>,
    pub deeper_endpoint: String,
    pub darker_skin_first_session_endpoint: String,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEndpoint {
    pub up_to_mm: f64,
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeriesSettings {
    pub floor_days: u32,
    pub lengthen_for_darker_skin_days: u32,
    pub lengthen_for_darker_skin_fitzpatrick: Vec<u8>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBefore {
    pub id: String,
    pub days_before: u32,
    pub text: String,
    #[serde(default)]
    pub regions_any: Vec<String>,
    pub history: Option<String>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAfter {
    pub id: String,
    pub from_day: u32,
    pub until_day: u32,
    pub text: String,
    #[serde(default)]
    pub regions_any: Vec<String>,
    pub history: Option<String>,
    pub clinician_choice: Option<String>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpected {
    pub id: String,
    pub from_day: u32,
    pub windows: Vec<RawWindow>,
    pub deeper_days: u32,
    pub min_depth_mm: Option<f64>,
    pub text: String,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub up_to_mm: f64,
    pub days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWarningSign {
    pub id: String,
    pub text: String,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: String,
    pub answer: String,
    pub label: String,
    pub wording: String,
    pub help: Option<String>,
    pub blank_means: String,
    #[serde(default)]
    pub choices: Vec<RawChoice>,
    pub goes_with: Option<String>,
    pub required_when: Option<RawRequirement>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub id: String,
    pub label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequirement {
    #[serde(default)]
    pub zones_any: Vec<String>,
    #[serde(default)]
    pub regions_any: Vec<String>,
    #[serde(default)]
    pub concerns_any: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheckinQuestion {
    pub id: String,
    pub label: String,
    pub wording: String,
    pub help: Option<String>,
    #[serde(default)]
    pub relates_to: Vec<String>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNumbing {
    pub extra_zones: Vec<String>,
    pub large_area_regions: Vec<Vec<String>>,
    pub sources: Vec<String>,
    pub evidence: Vec<String>,
}
