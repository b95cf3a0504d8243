//! The audit log: who did what to which client's record, and when; one hash chain.
//!
//! Entries are written typed ([`NewAuditEntry`]) and read back as stored text ([`AuditEntry`]),
//! because verifying the chain means hashing exactly what is in the database.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{ClientId, StoreResult, UserId};

macro_rules! actions {
    ($($variant:ident = $name:literal, $label:literal;)*) => {
        /// What an audit entry records.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum AuditAction {
            $(#[serde(rename = $name)] #[doc = $label] $variant,)*
        }

        impl AuditAction {
            pub const ALL: &[AuditAction] = &[$(AuditAction::$variant,)*];

            /// The stored name, e.g. `client.read`.
            pub fn name(self) -> &'static str {
                match self { $(AuditAction::$variant => $name,)* }
            }

            /// What happened, in words for the audit page.
            pub fn label(self) -> &'static str {
                match self { $(AuditAction::$variant => $label,)* }
            }
        }
    };
}

actions! {
    Login = "login", "Signed in";
    Logout = "logout", "Signed out";
    Access = "access", "Asked for a page or action their role does not allow";
    UserCreate = "user.create", "Added a staff account";
    AuditRead = "audit.read", "Read the audit log";
    AuditVerify = "audit.verify", "Checked the audit log's chain";
    ClientCreate = "client.create", "Added a client";
    ClientRead = "client.read", "Opened a client's record";
    ClientSearch = "client.search", "Searched the clients";
    ClientUpdate = "client.update", "Changed a client's details";
    ClientArchive = "client.archive", "Archived a client";
    IntakeCreate = "intake.create", "Took an intake and made a plan";
    IntakeRead = "intake.read", "Opened an intake and its plan";
    IntakeList = "intake.list", "Listed a client's intakes";
    DepthAdjust = "depth.adjust", "Adjusted a planned depth inside its range";
    DepthOverride = "depth.override", "Set a depth outside the planned range";
    ConsentSign = "consent.sign", "Recorded a signed consent";
    ConsentList = "consent.list", "Listed a client's consents";
    ConsentWithdraw = "consent.withdraw", "Recorded a consent's withdrawal";
    LicenceSet = "licence.set", "Set a practitioner's licence";
    RoomCreate = "room.create", "Added a room";
    DeviceCreate = "device.create", "Added a device";
    FormularyAdd = "formulary.add", "Added a product to the formulary";
    SettingsChange = "settings.opening_hours", "Changed the opening hours";
    ClinicSettingsChange = "settings.clinic", "Changed the clinic's details or time zone";
    AppointmentBook = "appointment.book", "Booked a session";
    AppointmentRead = "appointment.read", "Opened an appointment";
    AppointmentCancel = "appointment.cancelled", "Cancelled a session";
    AppointmentNoShow = "appointment.no_show", "Marked a session as a no-show";
    AppointmentReschedule = "appointment.reschedule", "Moved a session";
    AppointmentCheckIn = "appointment.check_in", "Checked a client in";
    SeriesRead = "series.read", "Read a client's series";
    SeriesPropose = "series.propose", "Proposed the sessions of a series";
    CalendarRead = "calendar.read", "Read the calendar";
    ChartRead = "chart.read", "Opened a chart";
    ChartSave = "chart.save", "Saved a chart";
    ChartCosign = "chart.cosign", "Co-signed a chart";
    ChartSign = "chart.sign", "Signed a chart";
    ChartAmend = "chart.amend", "Amended a signed chart";
    ChartHistory = "chart.history", "Read a client's treatment history";
    AftercareLink = "aftercare.link", "Made a private aftercare link";
    AftercareRead = "aftercare.read", "Read a client's aftercare";
    AftercareViewByLink = "aftercare.view_by_link", "Opened the aftercare by its private link";
    LotTrace = "lot.trace", "Looked up a lot's uses";
}

impl AuditAction {
    pub fn from_name(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// How it went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AuditOutcome {
    Ok,
    /// The role does not allow it.
    Denied,
    /// Wrong credentials, or the action failed.
    Failed,
    /// A rule refused it (e.g. check-in before consent).
    Refused,
}

impl AuditOutcome {
    pub const ALL: [AuditOutcome; 4] = [
        AuditOutcome::Ok,
        AuditOutcome::Denied,
        AuditOutcome::Failed,
        AuditOutcome::Refused,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AuditOutcome::Ok => "ok",
            AuditOutcome::Denied => "denied",
            AuditOutcome::Failed => "failed",
            AuditOutcome::Refused => "refused",
        }
    }

    pub fn from_name(name: &str) -> Option<AuditOutcome> {
        AuditOutcome::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// One audit entry before it joins the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub at: Timestamp,
    pub user_id: Option<UserId>,
    pub client_id: Option<ClientId>,
    pub action: AuditAction,
    pub outcome: AuditOutcome,
    /// Ids and counts only: never names or clinical text.
    pub detail: String,
}

/// An entry as stored, text for text: what the chain's hashes cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    pub client_id: Option<ClientId>,
    pub user_id: Option<UserId>,
    pub limit: i64,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends entries to the chain in one commit; returns when they are durable.
    async fn append_audit(&self, entries: Vec<NewAuditEntry>) -> StoreResult<()>;
    /// The newest entries first.
    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// Up to `limit` entries after `after_seq`, in chain order: verification reads the chain page
    /// by page instead of loading it whole.
    async fn audit_chain_page(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>>;
}
