//! Intakes and their plans: immutable and numbered per client; depth adjustments kept beside.

use async_trait::async_trait;
use jiff::Timestamp;
use needlepoint_domain::plan::{Decision, Plan};
use serde::Serialize;

use crate::{ClientId, DepthOverrideId, IntakeId, NewAuditEntry, StoreResult, UserId};

#[derive(Clone, Debug)]
pub struct NewIntake {
    pub id: IntakeId,
    pub client_id: ClientId,
    /// The answers as the reader accepted them (the contract's intake, as JSON).
    pub intake: serde_json::Value,
    /// The engine's plan, stored whole: what the practitioner saw stays on record.
    pub plan: Plan,
    /// The protocol's name and version, as the plan was made.
    pub protocol_version: String,
    pub created_by: UserId,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeRecord {
    pub id: IntakeId,
    pub client_id: ClientId,
    /// 1, 2, 3… per client: a new intake never changes an old one.
    pub number: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub intake: serde_json::Value,
    pub plan: Plan,
    pub decision: Decision,
    pub protocol_version: String,
    pub created_by: UserId,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct NewDepthOverride {
    pub id: DepthOverrideId,
    pub intake_id: IntakeId,
    pub zone: String,
    /// Hundredths of a millimetre.
    pub planned_hundredths: u32,
    /// Outside the planned range: then `reason` is required.
    pub outside_bounds: bool,
    pub reason: Option<String>,
    pub created_by: UserId,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepthOverride {
    pub id: DepthOverrideId,
    pub intake_id: IntakeId,
    pub zone: String,
    /// Hundredths of a millimetre.
    pub planned_hundredths: u32,
    pub outside_bounds: bool,
    pub reason: Option<String>,
    pub created_by: UserId,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait IntakeStore: Send + Sync {
    async fn add_intake(&self, intake: NewIntake, audit: NewAuditEntry) -> StoreResult<IntakeRecord>;
    async fn intake(&self, id: &IntakeId) -> StoreResult<Option<IntakeRecord>>;
    /// A client's intakes, newest first.
    async fn intakes_for_client(&self, client_id: &ClientId) -> StoreResult<Vec<IntakeRecord>>;
    async fn add_depth_override(
        &self,
        change: NewDepthOverride,
        audit: NewAuditEntry,
    ) -> StoreResult<DepthOverride>;
    /// An intake's depth changes, oldest first.
    async fn depth_overrides(&self, intake_id: &IntakeId) -> StoreResult<Vec<DepthOverride>>;
}
