//! The treatment-room chart: opened at check-in, saved as it goes, frozen at sign-off, corrected
//! only by amendments; the lots it used, for recalls; the client's aftercare links.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use needlepoint_domain::chart::Chart;
use serde::{Deserialize, Serialize};

use crate::{
    AmendmentId, Appointment, AppointmentChange, AppointmentId, ChartId, ClientId, NewAuditEntry,
    StoreResult, UserId,
};

/// A chart as stored: the chart document plus who signed it and when.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartRecord {
    pub id: ChartId,
    pub appointment_id: AppointmentId,
    pub client_id: ClientId,
    pub chart: Chart,
    pub version: i64,
    pub cosigned_by: Option<UserId>,
    pub cosigned_at: Option<Timestamp>,
    pub signed_by: Option<UserId>,
    pub signed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ChartRecord {
    pub fn is_signed(&self) -> bool {
        self.signed_at.is_some()
    }
}

/// What kind of product a lot number belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LotKind {
    Cartridge,
    Glide,
    PostProcedure,
}

impl LotKind {
    pub const ALL: [LotKind; 3] = [LotKind::Cartridge, LotKind::Glide, LotKind::PostProcedure];

    pub fn name(self) -> &'static str {
        match self {
            LotKind::Cartridge => "cartridge",
            LotKind::Glide => "glide",
            LotKind::PostProcedure => "post_procedure",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LotKind::Cartridge => "Needle cartridge",
            LotKind::Glide => "Glide",
            LotKind::PostProcedure => "After-care product",
        }
    }

    pub fn from_name(name: &str) -> Option<LotKind> {
        LotKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One lot a signed chart used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotUse {
    pub lot: String,
    pub kind: LotKind,
    pub product: String,
}

/// A lot's use, with what a recall needs: who, when, and how to reach them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotTrace {
    pub lot: String,
    pub kind: LotKind,
    pub product: String,
    pub used_on: Date,
    pub chart_id: ChartId,
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// How a chart is signed: the lots go to the recall index and the appointment is done, in the
/// same transaction as the signature.
#[derive(Clone, Debug)]
pub struct ChartSignature {
    pub chart_id: ChartId,
    pub expected_version: i64,
    pub signed_by: UserId,
    pub signed_at: Timestamp,
    /// The day of the session, for the lot index.
    pub used_on: Date,
    pub lots: Vec<LotUse>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amendment {
    pub id: AmendmentId,
    pub chart_id: ChartId,
    pub author_id: UserId,
    pub reason: String,
    pub text: String,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct AftercareLink {
    /// SHA-256 of the token in the link: the token itself is never stored.
    pub token_hash: String,
    pub chart_id: ChartId,
    pub expires_at_unix: i64,
    pub created_by: UserId,
    pub created_at: Timestamp,
}

/// A chart opened at check-in.
#[derive(Clone, Debug)]
pub struct NewChart {
    pub id: ChartId,
    pub appointment_id: AppointmentId,
    pub client_id: ClientId,
    pub chart: Chart,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait ChartStore: Send + Sync {
    /// Checks the appointment in and opens its chart, in one transaction.
    async fn check_in(
        &self,
        change: AppointmentChange,
        chart: NewChart,
        audit: NewAuditEntry,
    ) -> StoreResult<(Appointment, ChartRecord)>;
    async fn chart(&self, id: &ChartId) -> StoreResult<Option<ChartRecord>>;
    async fn chart_for_appointment(&self, appointment_id: &AppointmentId)
    -> StoreResult<Option<ChartRecord>>;
    /// A client's charts, newest first, in one query however many there are.
    async fn charts_for_client(&self, client_id: &ClientId) -> StoreResult<Vec<ChartRecord>>;
    /// Saves the chart document if `expected_version` is current and the chart is not signed.
    async fn save_chart(
        &self,
        id: &ChartId,
        expected_version: i64,
        chart: Chart,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord>;
    async fn cosign_chart(
        &self,
        id: &ChartId,
        expected_version: i64,
        cosigner: &UserId,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord>;
    async fn sign_chart(&self, signature: ChartSignature, audit: NewAuditEntry) -> StoreResult<ChartRecord>;
    async fn add_amendment(&self, amendment: Amendment, audit: NewAuditEntry) -> StoreResult<Amendment>;
    async fn amendments(&self, chart_id: &ChartId) -> StoreResult<Vec<Amendment>>;
    /// The ids of a client's charts that carry amendments (one query for a whole history).
    async fn amended_charts(&self, client_id: &ClientId) -> StoreResult<Vec<ChartId>>;
    /// Every use of a lot, newest first.
    async fn lot_trace(&self, lot: &str) -> StoreResult<Vec<LotTrace>>;
    async fn add_aftercare_link(&self, link: AftercareLink, audit: NewAuditEntry) -> StoreResult<()>;
    async fn aftercare_link(&self, token_hash: &str) -> StoreResult<Option<AftercareLink>>;
}
