//! Intakes and plans (immutable, numbered per client) and the depth changes beside them.

use async_trait::async_trait;
use needlepoint_store::{
    ClientId, DepthOverride, IntakeId, IntakeRecord, IntakeStore, NewAuditEntry, NewDepthOverride, NewIntake,
    StoreError, StoreResult,
};

use crate::engine::{Engine, Tx};
use crate::{SqlStore, args, rows};

fn json(value: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(format!("encoding a record: {e}")))
}

#[async_trait]
impl<E: Engine> IntakeStore for SqlStore<E> {
    async fn add_intake(&self, intake: NewIntake, audit: NewAuditEntry) -> StoreResult<IntakeRecord> {
        let (intake_json, plan_json) = (json(&intake.intake)?, json(&intake.plan)?);
        let record = intake.clone();
        let number = self
            .engine
            .write(async move |tx: &mut Tx<'_>| {
                let mut row = tx
                    .query_optional(
                        "SELECT coalesce(max(number), 0) + 1 AS n FROM intakes WHERE client_id = $1",
                        &args![&record.client_id],
                    )
                    .await?
                    .ok_or_else(|| StoreError::Backend("no next intake number".into()))?;
                let number = row.int("n")?;
                tx.execute(
                    "INSERT INTO intakes (id, client_id, number, intake_json, plan_json, decision, protocol_version, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    &args![
                        &record.id,
                        &record.client_id,
                        number,
                        &intake_json,
                        &plan_json,
                        record.plan.screening.decision.name(),
                        &record.protocol_version,
                        &record.created_by,
                        record.created_at
                    ],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await?;
                Ok(number)
            })
            .await?;
        Ok(IntakeRecord {
            id: intake.id,
            client_id: intake.client_id,
            number,
            intake: intake.intake,
            decision: intake.plan.screening.decision,
            plan: intake.plan,
            protocol_version: intake.protocol_version,
            created_by: intake.created_by,
            created_at: intake.created_at,
        })
    }

    async fn intake(&self, id: &IntakeId) -> StoreResult<Option<IntakeRecord>> {
        self.one("SELECT * FROM intakes WHERE id = $1", args![id], rows::intake)
            .await
    }

    async fn intakes_for_client(&self, client_id: &ClientId) -> StoreResult<Vec<IntakeRecord>> {
        self.all(
            "SELECT * FROM intakes WHERE client_id = $1 ORDER BY number DESC",
            args![client_id],
            rows::intake,
        )
        .await
    }

    async fn add_depth_override(
        &self,
        change: NewDepthOverride,
        audit: NewAuditEntry,
    ) -> StoreResult<DepthOverride> {
        let c = change.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO depth_overrides (id, intake_id, zone, planned_hundredths, outside_bounds, reason, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &args![
                        &c.id,
                        &c.intake_id,
                        &c.zone,
                        c.planned_hundredths,
                        c.outside_bounds,
                        c.reason.as_ref(),
                        &c.created_by,
                        c.created_at
                    ],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        Ok(DepthOverride {
            id: change.id,
            intake_id: change.intake_id,
            zone: change.zone,
            planned_hundredths: change.planned_hundredths,
            outside_bounds: change.outside_bounds,
            reason: change.reason,
            created_by: change.created_by,
            created_at: change.created_at,
        })
    }

    async fn depth_overrides(&self, intake_id: &IntakeId) -> StoreResult<Vec<DepthOverride>> {
        self.all(
            "SELECT * FROM depth_overrides WHERE intake_id = $1 ORDER BY created_at, id",
            args![intake_id],
            rows::depth_override,
        )
        .await
    }
}
