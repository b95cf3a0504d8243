//! Consent: versioned texts, signatures, withdrawals (recorded, never erased).

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{ClientId, ConsentId, NewAuditEntry, StoreResult, TemplateId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConsentKind {
    Treatment,
    Photo,
}

impl ConsentKind {
    pub const ALL: [ConsentKind; 2] = [ConsentKind::Treatment, ConsentKind::Photo];

    pub fn name(self) -> &'static str {
        match self {
            ConsentKind::Treatment => "treatment",
            ConsentKind::Photo => "photo",
        }
    }

    pub fn from_name(name: &str) -> Option<ConsentKind> {
        ConsentKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What a photo may be used for; each is given (and withdrawn) separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PhotoScope {
    ClinicalRecord,
    Teaching,
    Marketing,
}

impl PhotoScope {
    pub const ALL: [PhotoScope; 3] = [
        PhotoScope::ClinicalRecord,
        PhotoScope::Teaching,
        PhotoScope::Marketing,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PhotoScope::ClinicalRecord => "clinical_record",
            PhotoScope::Teaching => "teaching",
            PhotoScope::Marketing => "marketing",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PhotoScope::ClinicalRecord => "My clinical record",
            PhotoScope::Teaching => "Teaching and training",
            PhotoScope::Marketing => "The clinic's marketing",
        }
    }

    pub fn from_name(name: &str) -> Option<PhotoScope> {
        PhotoScope::ALL.into_iter().find(|s| s.name() == name)
    }
}

#[derive(Clone, Debug)]
pub struct NewConsentTemplate {
    pub id: TemplateId,
    pub kind: ConsentKind,
    pub title: String,
    pub body: String,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentTemplate {
    pub id: TemplateId,
    pub kind: ConsentKind,
    pub version: i64,
    pub title: String,
    pub body: String,
    /// SHA-256 of the exact text the client read.
    pub sha256: String,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct NewConsent {
    pub id: ConsentId,
    pub client_id: ClientId,
    pub template_id: TemplateId,
    pub scopes: Vec<PhotoScope>,
    pub signer_name: String,
    pub signature_svg: Option<String>,
    pub witness_user_id: UserId,
    pub signed_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub id: ConsentId,
    pub client_id: ClientId,
    pub template_id: TemplateId,
    pub kind: ConsentKind,
    pub template_version: i64,
    pub text_sha256: String,
    pub scopes: Vec<PhotoScope>,
    pub signer_name: String,
    pub has_drawn_signature: bool,
    pub witness_user_id: UserId,
    pub signed_at: Timestamp,
    pub withdrawn_at: Option<Timestamp>,
    pub withdrawn_by: Option<UserId>,
    pub withdrawal_reason: Option<String>,
}

impl Consent {
    pub fn is_valid(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct ConsentWithdrawal {
    pub consent_id: ConsentId,
    pub withdrawn_by: UserId,
    pub reason: String,
    pub withdrawn_at: Timestamp,
}

#[async_trait]
pub trait ConsentStore: Send + Sync {
    /// Adds the template unless the current one of its kind has the same text; returns the current one.
    async fn ensure_consent_template(&self, template: NewConsentTemplate) -> StoreResult<ConsentTemplate>;
    async fn current_consent_template(&self, kind: ConsentKind) -> StoreResult<Option<ConsentTemplate>>;
    async fn consent_template(&self, id: &TemplateId) -> StoreResult<Option<ConsentTemplate>>;
    async fn add_consent(&self, consent: NewConsent, audit: NewAuditEntry) -> StoreResult<Consent>;
    async fn consent(&self, id: &ConsentId) -> StoreResult<Option<Consent>>;
    async fn consents_for_client(&self, client_id: &ClientId) -> StoreResult<Vec<Consent>>;
    /// Withdraws a valid consent; [`StoreError::Conflict`](crate::StoreError::Conflict) when it
    /// already was.
    async fn withdraw_consent(
        &self,
        withdrawal: ConsentWithdrawal,
        audit: NewAuditEntry,
    ) -> StoreResult<Consent>;
}
