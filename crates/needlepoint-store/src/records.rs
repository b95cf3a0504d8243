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
