//! Charts: opened at check-in, saved as they go, co-signed, signed (and then frozen: the guard
//! below on every engine, and on SQLite a trigger too), amended; lots and aftercare links.

use async_trait::async_trait;
use jiff::Timestamp;
use needlepoint_domain::chart::Chart;
use needlepoint_store::{
    AftercareLink, Amendment, Appointment, AppointmentChange, AppointmentId, ChartId, ChartRecord,
    ChartSignature, ChartStore, ClientId, LotTrace, NewAuditEntry, NewChart, StoreError, StoreResult, UserId,
};

use crate::engine::{Engine, Tx};
use crate::{SqlStore, args, rows};

fn json(chart: &Chart) -> StoreResult<String> {
    serde_json::to_string(chart).map_err(|e| StoreError::Backend(format!("encoding a chart: {e}")))
}

/// Refuses a signed chart or a stale version.
pub fn check_editable(record: &ChartRecord, expected_version: i64) -> StoreResult<()> {
    if record.is_signed() {
        return Err(StoreError::Frozen(
            "the chart is signed and never changes: add an amendment instead".into(),
        ));
    }
    if record.version != expected_version {
        return Err(StoreError::Conflict {
            current: record.version,
        });
    }
    Ok(())
}

/// The chart as it stands inside a write, refusing a stale version or a signed chart.
async fn guard(tx: &mut Tx<'_>, id: &ChartId, expected_version: i64) -> StoreResult<ChartRecord> {
    let mut row = tx
        .query_optional("SELECT * FROM charts WHERE id = $1", &args![id])
        .await?
        .ok_or(StoreError::NotFound)?;
    let record = rows::chart(&mut row)?;
    check_editable(&record, expected_version)?;
    Ok(record)
}

/// Refuses a check-in that does not find the appointment booked at the version read.
async fn check_in_refusal(tx: &mut Tx<'_>, change: &AppointmentChange) -> StoreError {
    let found = tx
        .query_optional("SELECT * FROM appointments WHERE id = $1", &args![&change.id])
        .await;
    match found.and_then(|row| row.map(|mut r| rows::appointment(&mut r)).transpose()) {
        Ok(Some(current)) if current.version != change.expected_version => StoreError::Conflict {
            current: current.version,
        },
        Ok(Some(current)) => StoreError::Frozen(format!(
            "the appointment is {}, not booked",
            current.status.name()
        )),
        Ok(None) => StoreError::NotFound,
        Err(error) => error,
    }
}

#[async_trait]
impl<E: Engine> ChartStore for SqlStore<E> {
    async fn check_in(
        &self,
        change: AppointmentChange,
        chart: NewChart,
        audit: NewAuditEntry,
    ) -> StoreResult<(Appointment, ChartRecord)> {
        let (appointment_id, chart_id) = (change.id.clone(), chart.id.clone());
        let document = json(&chart.chart)?;
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let changed = tx
                    .execute(
                        "UPDATE appointments SET status = 'checked_in', intake_id = COALESCE($4, intake_id),
                                version = version + 1, updated_at = $3
                         WHERE id = $1 AND version = $2 AND status = 'booked'",
                        &args![&change.id, change.expected_version, change.updated_at, change.new_intake_id.as_ref()],
                    )
                    .await?;
                if changed == 0 {
                    return Err(check_in_refusal(tx, &change).await);
                }
                tx.execute(
                    "INSERT INTO charts (id, appointment_id, client_id, chart_json, version, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, 1, $5, $5)",
                    &args![&chart.id, &chart.appointment_id, &chart.client_id, &document, chart.created_at],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        let appointment = self.appointment_record(&appointment_id).await?;
        let chart = self.chart(&chart_id).await?.ok_or(StoreError::NotFound)?;
        Ok((appointment, chart))
    }

    async fn chart(&self, id: &ChartId) -> StoreResult<Option<ChartRecord>> {
        self.one("SELECT * FROM charts WHERE id = $1", args![id], rows::chart)
            .await
    }

    async fn chart_for_appointment(
        &self,
        appointment_id: &AppointmentId,
    ) -> StoreResult<Option<ChartRecord>> {
        self.one(
            "SELECT * FROM charts WHERE appointment_id = $1",
            args![appointment_id],
            rows::chart,
        )
        .await
    }

    async fn charts_for_client(&self, client_id: &ClientId) -> StoreResult<Vec<ChartRecord>> {
        self.all(
            "SELECT * FROM charts WHERE client_id = $1 ORDER BY created_at DESC, id",
            args![client_id],
            rows::chart,
        )
        .await
    }

    async fn save_chart(
        &self,
        id: &ChartId,
        expected_version: i64,
        chart: Chart,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord> {
        let document = json(&chart)?;
        let target = id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                guard(tx, &target, expected_version).await?;
                tx.execute(
                    "UPDATE charts SET chart_json = $2, version = version + 1, updated_at = $3 WHERE id = $1",
                    &args![&target, &document, at],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await?;
                let mut row = tx
                    .query_optional("SELECT * FROM charts WHERE id = $1", &args![&target])
                    .await?
                    .ok_or(StoreError::NotFound)?;
                rows::chart(&mut row)
            })
            .await
    }

    async fn cosign_chart(
        &self,
        id: &ChartId,
        expected_version: i64,
        cosigner: &UserId,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<ChartRecord> {
        let (target, cosigner) = (id.clone(), cosigner.clone());
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                guard(tx, &target, expected_version).await?;
                tx.execute(
                    "UPDATE charts SET cosigned_by = $2, cosigned_at = $3, version = version + 1, updated_at = $3
                     WHERE id = $1",
                    &args![&target, &cosigner, at],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.chart(id).await?.ok_or(StoreError::NotFound)
    }

    async fn sign_chart(&self, signature: ChartSignature, audit: NewAuditEntry) -> StoreResult<ChartRecord> {
        let id = signature.chart_id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let s = &signature;
                let record = guard(tx, &s.chart_id, s.expected_version).await?;
                tx.execute(
                    "UPDATE charts SET signed_by = $2, signed_at = $3, version = version + 1, updated_at = $3 WHERE id = $1",
                    &args![&s.chart_id, &s.signed_by, s.signed_at],
                )
                .await?;
                for lot in &s.lots {
                    tx.execute(
                        "INSERT INTO lot_uses (lot, kind, product, chart_id, client_id, used_on) VALUES ($1, $2, $3, $4, $5, $6)",
                        &args![lot.lot.trim(), lot.kind.name(), &lot.product, &s.chart_id, &record.client_id, s.used_on],
                    )
                    .await?;
                }
                tx.execute(
                    "UPDATE appointments SET status = 'done', version = version + 1, updated_at = $2 WHERE id = $1",
                    &args![&record.appointment_id, s.signed_at],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.chart(&id).await?.ok_or(StoreError::NotFound)
    }

    async fn add_amendment(&self, amendment: Amendment, audit: NewAuditEntry) -> StoreResult<Amendment> {
        let a = amendment.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let signed = tx
                    .query_optional("SELECT signed_at FROM charts WHERE id = $1", &args![&a.chart_id])
                    .await?
                    .ok_or(StoreError::NotFound)?
                    .maybe_text("signed_at")?;
                if signed.is_none() {
                    return Err(StoreError::Frozen(
                        "the chart is not signed yet: edit it directly; amendments are for signed charts"
                            .into(),
                    ));
                }
                tx.execute(
                    "INSERT INTO chart_amendments (id, chart_id, author_id, reason, text, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &args![&a.id, &a.chart_id, &a.author_id, &a.reason, &a.text, a.created_at],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        Ok(amendment)
    }

    async fn amendments(&self, chart_id: &ChartId) -> StoreResult<Vec<Amendment>> {
        self.all(
            "SELECT * FROM chart_amendments WHERE chart_id = $1 ORDER BY created_at, id",
            args![chart_id],
            rows::amendment,
        )
        .await
    }

    async fn amended_charts(&self, client_id: &ClientId) -> StoreResult<Vec<ChartId>> {
        let rows = self
            .engine
            .query(
                "SELECT DISTINCT a.chart_id FROM chart_amendments a JOIN charts c ON c.id = a.chart_id
                 WHERE c.client_id = $1",
                args![client_id].into(),
            )
            .await?;
        rows.into_iter().map(|mut r| r.id("chart_id")).collect()
    }

    async fn lot_trace(&self, lot: &str) -> StoreResult<Vec<LotTrace>> {
        self.all(
            "SELECT l.lot, l.kind, l.product, l.used_on, l.chart_id, l.client_id,
                    c.given_name, c.family_name, c.email, c.phone
             FROM lot_uses l JOIN clients c ON c.id = l.client_id
             WHERE lower(l.lot) = lower($1) ORDER BY l.used_on DESC, l.chart_id LIMIT 10000",
            args![lot.trim()],
            rows::lot_trace,
        )
        .await
    }

    async fn add_aftercare_link(&self, link: AftercareLink, audit: NewAuditEntry) -> StoreResult<()> {
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO aftercare_links (token_hash, chart_id, expires_at_unix, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                    &args![&link.token_hash, &link.chart_id, link.expires_at_unix, &link.created_by, link.created_at],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await
    }

    async fn aftercare_link(&self, token_hash: &str) -> StoreResult<Option<AftercareLink>> {
        self.one(
            "SELECT * FROM aftercare_links WHERE token_hash = $1",
            args![token_hash],
            rows::aftercare_link,
        )
        .await
    }
}

impl<E: Engine> SqlStore<E> {
    async fn appointment_record(&self, id: &AppointmentId) -> StoreResult<Appointment> {
        self.one(
            "SELECT * FROM appointments WHERE id = $1",
            args![id],
            rows::appointment,
        )
        .await?
        .ok_or(StoreError::NotFound)
    }
}
