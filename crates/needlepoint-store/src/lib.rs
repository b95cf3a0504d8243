//! The storage port. The web layer and the command line talk to a [`Store`]; each database engine
//! implements it in its own crate (`needlepoint-store-sqlite` now, PostgreSQL later), and one
//! conformance story tests them all.

pub mod audit;
pub mod files;
mod records;

pub use records::*;

use async_trait::async_trait;

/// Everything that can go wrong in storage, in terms the caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Someone else changed the record first: the caller's version is stale.
    #[error("the record was changed by someone else (now at version {current})")]
    Conflict { current: i64 },
    /// A uniqueness rule: e.g. an email already in use.
    #[error("{0}")]
    Duplicate(String),
    /// A booking would overlap others: each entry names what is taken and when.
    #[error("the time is taken: {}", .0.join("; "))]
    Clash(Vec<String>),
    /// The record is signed and frozen; corrections are amendments.
    #[error("{0}")]
    Frozen(String),
    /// Concurrent writes kept colliding (serialization failures) after every retry; nothing was
    /// written and the same request may simply be sent again.
    #[error("the database is busy with other writes: {0}")]
    Busy(String),
    /// The database failed; the write did not happen.
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The clinic's records. Every write of health data takes the audit entry that describes it and
/// commits both in one transaction: a write is never stored without its audit entry.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Is the database reachable?
    async fn ping(&self) -> StoreResult<()>;

    // Users and sessions.
    async fn count_users(&self) -> StoreResult<i64>;
    async fn create_user(&self, user: NewUser, audit: NewAuditEntry) -> StoreResult<User>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<(SessionRecord, User)>>;
    async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn create_setup_token(&self, token_hash: &str, now: i64) -> StoreResult<()>;
    /// Marks a setup token used; false when it does not exist, was used, or has expired.
    async fn consume_setup_token(
        &self,
        token_hash: &str,
        now: i64,
        max_age_seconds: i64,
    ) -> StoreResult<bool>;

    // Clients.
    async fn create_client(&self, client: ClientFields, audit: NewAuditEntry) -> StoreResult<Client>;
    async fn client(&self, id: &str) -> StoreResult<Option<Client>>;
    /// Replaces a client's fields if `expected_version` is still current.
    async fn update_client(
        &self,
        id: &str,
        expected_version: i64,
        fields: ClientFields,
        audit: NewAuditEntry,
    ) -> StoreResult<Client>;
    /// Archives (never deletes) a client if `expected_version` is still current.
    async fn archive_client(
        &self,
        id: &str,
        expected_version: i64,
        audit: NewAuditEntry,
    ) -> StoreResult<Client>;
    async fn search_clients(&self, query: &ClientQuery) -> StoreResult<Vec<Client>>;
    async fn count_clients(&self) -> StoreResult<i64>;

    // Intakes and their plans: immutable, numbered per client.
    async fn add_intake(&self, intake: NewIntake, audit: NewAuditEntry) -> StoreResult<IntakeRecord>;
    async fn intake(&self, id: &str) -> StoreResult<Option<IntakeRecord>>;
    async fn intakes_for_client(&self, client_id: &str) -> StoreResult<Vec<IntakeRecord>>;
    async fn add_depth_override(
        &self,
        change: NewDepthOverride,
        audit: NewAuditEntry,
    ) -> StoreResult<DepthOverride>;
    async fn depth_overrides(&self, intake_id: &str) -> StoreResult<Vec<DepthOverride>>;

    // Consent.
    /// Adds the template unless one with the same kind and text already exists; returns the current one.
    async fn ensure_consent_template(&self, template: NewConsentTemplate) -> StoreResult<ConsentTemplate>;
    async fn current_consent_template(&self, kind: ConsentKind) -> StoreResult<Option<ConsentTemplate>>;
    async fn consent_template(&self, id: &str) -> StoreResult<Option<ConsentTemplate>>;
    async fn add_consent(&self, consent: NewConsent, audit: NewAuditEntry) -> StoreResult<Consent>;
    async fn consents_for_client(&self, client_id: &str) -> StoreResult<Vec<Consent>>;
    async fn withdraw_consent(
        &self,
        withdrawal: ConsentWithdrawal,
        audit: NewAuditEntry,
    ) -> StoreResult<Consent>;

    // Resources and the appointment book.
    async fn set_licence(&self, licence: Licence, audit: NewAuditEntry) -> StoreResult<Licence>;
    async fn licence(&self, user_id: &str) -> StoreResult<Option<Licence>>;
    async fn create_room(&self, room: Room, audit: NewAuditEntry) -> StoreResult<Room>;
    async fn rooms(&self) -> StoreResult<Vec<Room>>;
    async fn create_device(&self, device: Device, audit: NewAuditEntry) -> StoreResult<Device>;
    async fn devices(&self) -> StoreResult<Vec<Device>>;
    /// Books the appointment unless its practitioner, room or device is already taken at that
    /// time ([`StoreError::Clash`]); the check and the insert share one transaction.
    async fn book(&self, appointment: NewAppointment, audit: NewAuditEntry) -> StoreResult<Appointment>;
    async fn appointment(&self, id: &str) -> StoreResult<Option<Appointment>>;
    async fn appointments(&self, filter: &AppointmentFilter) -> StoreResult<Vec<Appointment>>;
    async fn change_appointment(
        &self,
        change: AppointmentChange,
        audit: NewAuditEntry,
    ) -> StoreResult<Appointment>;

    // Clinic settings and the formulary.
    async fn setting(&self, key: &str) -> StoreResult<Option<serde_json::Value>>;
    async fn set_setting(
        &self,
        key: &str,
        value: serde_json::Value,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    async fn add_formulary_item(
        &self,
        item: FormularyItem,
        audit: NewAuditEntry,
    ) -> StoreResult<FormularyItem>;
    async fn formulary(&self) -> StoreResult<Vec<FormularyItem>>;

    // The treatment room.
    /// Checks the appointment in and opens its (empty) chart, in one transaction.
    async fn check_in(
        &self,
        change: AppointmentChange,
        chart: ChartRecord,
        audit: NewAuditEntry,
    ) -> StoreResult<(Appointment, ChartRecord)>;
    async fn chart(&self, id: &str) -> StoreResult<Option<ChartRecord>>;
    async fn chart_for_appointment(&self, appointment_id: &str) -> StoreResult<Option<ChartRecord>>;
    /// A client's charts, newest first, in one query however many there are.
    async fn charts_for_client(&self, client_id: &str) -> StoreResult<Vec<ChartRecord>>;
    /// Saves the chart document if `expected_version` is current and the chart is not signed.
    async fn save_chart(
        &self,
        id: &str,
        expected_version: i64,
        chart: serde_json::Value,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord>;
    async fn cosign_chart(
        &self,
        id: &str,
        expected_version: i64,
        cosigner: &str,
        at: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord>;
    async fn sign_chart(&self, signature: ChartSignature, audit: NewAuditEntry) -> StoreResult<ChartRecord>;
    async fn add_amendment(&self, amendment: Amendment, audit: NewAuditEntry) -> StoreResult<Amendment>;
    async fn amendments(&self, chart_id: &str) -> StoreResult<Vec<Amendment>>;
    /// The ids of a client's charts that carry amendments (one query for a whole history).
    async fn amended_charts(&self, client_id: &str) -> StoreResult<Vec<String>>;
    /// Every use of a lot, newest first.
    async fn lot_trace(&self, lot: &str) -> StoreResult<Vec<LotTrace>>;
    async fn add_aftercare_link(&self, link: AftercareLink, audit: NewAuditEntry) -> StoreResult<()>;
    async fn aftercare_link(&self, token_hash: &str) -> StoreResult<Option<AftercareLink>>;

    // Audit.
    /// Appends entries to the chain in one commit; returns when they are durable.
    async fn append_audit(&self, entries: Vec<NewAuditEntry>) -> StoreResult<()>;
    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// Every entry in order, for verification.
    async fn audit_chain(&self) -> StoreResult<Vec<AuditEntry>>;
}
