//! The records the clinic keeps.

use serde::{Deserialize, Serialize};

/// What a signed-in person may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, clinic settings, protocol overrides, the audit log; and everything a practitioner does.
    Owner,
    /// Clinical work: intakes, plans, consent.
    Practitioner,
    /// Clients, contact details, booking; no clinical notes.
    FrontDesk,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Practitioner, Role::FrontDesk];

    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Practitioner => "practitioner",
            Role::FrontDesk => "front_desk",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Practitioner => "Practitioner",
            Role::FrontDesk => "Front desk",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// May see and record clinical data (intakes, plans, consent).
    pub fn is_clinical(self) -> bool {
        matches!(self, Role::Owner | Role::Practitioner)
    }
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    pub created_at: String,
}

#[derive(Clone, Debug)]
pub struct NewSession {
    /// SHA-256 of the cookie token: the token itself is never stored.
    pub token_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub user_id: String,
    pub csrf_token: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// The editable fields of a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFields {
    pub given_name: String,
    pub family_name: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Client {
    pub id: String,
    #[serde(flatten)]
    pub fields: ClientFields,
    /// Rises by one with every change; an edit names the version it started from.
    pub version: i64,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A client search: free text matched against names, email, phone and date of birth.
#[derive(Clone, Debug, Default)]
pub struct ClientQuery {
    pub text: String,
    pub include_archived: bool,
    pub limit: i64,
}

#[derive(Clone, Debug)]
pub struct NewIntake {
    pub id: String,
    pub client_id: String,
    pub intake: serde_json::Value,
    pub plan: serde_json::Value,
    pub decision: String,
    pub protocol_version: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IntakeRecord {
    pub id: String,
    pub client_id: String,
    /// 1, 2, 3… per client: a new intake never changes an old one.
    pub number: i64,
    pub intake: serde_json::Value,
    pub plan: serde_json::Value,
    pub decision: String,
    pub protocol_version: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Clone, Debug)]
pub struct NewDepthOverride {
    pub id: String,
    pub intake_id: String,
    pub zone: String,
    /// Hundredths of a millimetre.
    pub planned_hundredths: i64,
    /// Outside the planned range: then `reason` is required.
    pub outside_bounds: bool,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DepthOverride {
    pub id: String,
    pub intake_id: String,
    pub zone: String,
    pub planned_hundredths: i64,
    pub outside_bounds: bool,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentKind {
    Treatment,
    Photo,
}

impl ConsentKind {
    pub fn name(self) -> &'static str {
        match self {
            ConsentKind::Treatment => "treatment",
            ConsentKind::Photo => "photo",
        }
    }

    pub fn from_name(name: &str) -> Option<ConsentKind> {
        [ConsentKind::Treatment, ConsentKind::Photo]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

/// Photo consent scopes, each given separately.
pub const PHOTO_SCOPES: [&str; 3] = ["clinical_record", "teaching", "marketing"];

#[derive(Clone, Debug)]
pub struct NewConsentTemplate {
    pub id: String,
    pub kind: ConsentKind,
    pub title: String,
    pub body: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsentTemplate {
    pub id: String,
    pub kind: ConsentKind,
    pub version: i64,
    pub title: String,
    pub body: String,
    /// SHA-256 of the exact text the client read.
    pub sha256: String,
    pub created_at: String,
}

#[derive(Clone, Debug)]
pub struct NewConsent {
    pub id: String,
    pub client_id: String,
    pub template_id: String,
    pub scopes: Vec<String>,
    pub signer_name: String,
    pub signature_svg: Option<String>,
    pub witness_user_id: String,
    pub signed_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Consent {
    pub id: String,
    pub client_id: String,
    pub template_id: String,
    pub kind: ConsentKind,
    pub template_version: i64,
    pub text_sha256: String,
    pub scopes: Vec<String>,
    pub signer_name: String,
    pub has_drawn_signature: bool,
    pub witness_user_id: String,
    pub signed_at: String,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
}

impl Consent {
    pub fn is_valid(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct ConsentWithdrawal {
    pub consent_id: String,
    pub withdrawn_by: String,
    pub reason: String,
    pub withdrawn_at: String,
}

/// One audit entry before it joins the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub at: String,
    pub user_id: Option<String>,
    pub client_id: Option<String>,
    /// What happened, e.g. `client.read`, `intake.create`, `login`.
    pub action: String,
    /// `ok`, `denied`, `failed`.
    pub outcome: String,
    /// Ids and counts only: never health data.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub user_id: Option<String>,
    pub client_id: Option<String>,
    pub action: String,
    pub outcome: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub limit: i64,
}

/// What a practitioner's licence allows, as the owner set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Licence {
    pub user_id: String,
    pub licence_type: String,
    /// The deepest needle setting the licence allows, in hundredths of a millimetre.
    pub max_depth_hundredths: u32,
    pub updated_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Room {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub model: String,
    pub serial: String,
    pub min_hundredths: u32,
    pub max_hundredths: u32,
    /// What the device's label limits (zones, indications), in the owner's words.
    pub labelled_limits: String,
    pub last_serviced_on: Option<String>,
    pub service_due_on: Option<String>,
    pub created_at: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    CheckedIn,
    Done,
    Cancelled,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 5] = [
        AppointmentStatus::Booked,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::Done,
        AppointmentStatus::Cancelled,
        AppointmentStatus::NoShow,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::Done => "done",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn from_name(name: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the appointment still holds its practitioner, room and device.
    pub fn holds_resources(self) -> bool {
        !matches!(self, AppointmentStatus::Cancelled | AppointmentStatus::NoShow)
    }
}

/// A booking to store. Times are the clinic's wall-clock times, `YYYY-MM-DDTHH:MM:SS`.
#[derive(Clone, Debug)]
pub struct NewAppointment {
    pub id: String,
    pub client_id: String,
    pub intake_id: String,
    pub practitioner_id: String,
    pub room_id: String,
    pub device_id: String,
    pub starts_at: String,
    pub ends_at: String,
    /// Bookings that start after this moment cannot overlap (no session is longer than the gap
    /// to `starts_at`); it bounds the clash search to an index range.
    pub clash_window_start: String,
    pub zones: Vec<String>,
    /// Why the session comes earlier than the minimum interval, when it does.
    pub early_reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Appointment {
    pub id: String,
    pub client_id: String,
    pub intake_id: String,
    pub practitioner_id: String,
    pub room_id: String,
    pub device_id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub zones: Vec<String>,
    pub status: AppointmentStatus,
    pub status_reason: Option<String>,
    pub early_reason: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Which appointments to list: any mix of filters, within `[from, to)`.
#[derive(Clone, Debug, Default)]
pub struct AppointmentFilter {
    pub practitioner_id: Option<String>,
    pub room_id: Option<String>,
    pub device_id: Option<String>,
    pub client_id: Option<String>,
    pub from: String,
    pub to: String,
}

/// A change of an appointment's status (check-in, done, cancelled, no-show) or time.
#[derive(Clone, Debug)]
pub struct AppointmentChange {
    pub id: String,
    pub expected_version: i64,
    pub status: AppointmentStatus,
    pub reason: Option<String>,
    /// A new time (`starts_at`, `ends_at`, clash window start), for a reschedule.
    pub new_time: Option<(String, String, String)>,
    /// At check-in after a re-screen: the new intake the session now follows.
    pub new_intake_id: Option<String>,
    pub updated_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FormularyItem {
    pub id: String,
    pub name: String,
    /// `glide` or `post_procedure`.
    #[serde(rename = "use")]
    pub use_for: String,
    pub created_at: String,
}

/// A treatment-room chart as stored: the chart document plus who signed it and when.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartRecord {
    pub id: String,
    pub appointment_id: String,
    pub client_id: String,
    /// The chart document (`needlepoint_domain::chart::Chart` as JSON).
    pub chart: serde_json::Value,
    pub version: i64,
    pub cosigned_by: Option<String>,
    pub cosigned_at: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One lot a signed chart used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LotUse {
    pub lot: String,
    /// `cartridge`, `glide` or `post_procedure`.
    pub kind: String,
    pub product: String,
}

/// A lot's use, with what a recall needs: who, when, and how to reach them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LotTrace {
    pub lot: String,
    pub kind: String,
    pub product: String,
    pub used_on: String,
    pub chart_id: String,
    pub client_id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// How a chart is signed: the lots go to the recall index and the appointment is done, in the
/// same transaction as the signature.
#[derive(Clone, Debug)]
pub struct ChartSignature {
    pub chart_id: String,
    pub expected_version: i64,
    pub signed_by: String,
    pub signed_at: String,
    /// The session's date, `YYYY-MM-DD`, for the lot index.
    pub used_on: String,
    pub lots: Vec<LotUse>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Amendment {
    pub id: String,
    pub chart_id: String,
    pub author_id: String,
    pub reason: String,
    pub text: String,
    pub created_at: String,
}

#[derive(Clone, Debug)]
pub struct AftercareLink {
    pub token_hash: String,
    pub chart_id: String,
    pub expires_at_unix: i64,
    pub created_by: String,
    pub created_at: String,
}
