//! The appointment book: bookings whose clash check runs in the transaction that inserts them,
//! listings by any mix of filters, and changes of status or time.

use async_trait::async_trait;
use needlepoint_store::{
    Appointment, AppointmentChange, AppointmentFilter, AppointmentId, BookStore, NewAppointment,
    NewAuditEntry, SessionTime, StoreError, StoreResult,
};

use crate::engine::{Engine, Tx};
use crate::value::{Row, Value};
use crate::{SqlStore, args, rows};

/// Binds: `$1` practitioner, `$2` room, `$3` device, `$4` starts at, `$5` ends at, `$6` the
/// window's start (bounds the search to an index range), `$7` the appointment's own id.
pub const CLASH_SQL: &str = "SELECT a.starts_at, a.ends_at,
            CASE WHEN a.practitioner_id = $1 THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS same_practitioner,
            CASE WHEN a.room_id = $2 THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS same_room,
            CASE WHEN a.device_id = $3 THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS same_device,
            u.email, r.name AS room_name, d.name AS device_name, d.serial
     FROM appointments a
     JOIN users u ON u.id = a.practitioner_id
     JOIN rooms r ON r.id = a.room_id
     JOIN devices d ON d.id = a.device_id
     WHERE a.id IN (
         SELECT id FROM appointments WHERE practitioner_id = $1 AND starts_at > $6 AND starts_at < $5
         UNION SELECT id FROM appointments WHERE room_id = $2 AND starts_at > $6 AND starts_at < $5
         UNION SELECT id FROM appointments WHERE device_id = $3 AND starts_at > $6 AND starts_at < $5)
       AND a.ends_at > $4 AND a.id <> $7 AND a.status IN ('booked', 'checked_in', 'done')
     ORDER BY a.starts_at";

/// One clashing appointment as sentences for the front desk: one per resource it shares.
fn clash_sentences(row: &mut Row) -> StoreResult<Vec<String>> {
    let when = format!("{}–{}", row.text("starts_at")?, row.text("ends_at")?);
    let mut found = Vec::new();
    if row.flag("same_practitioner")? {
        found.push(format!("practitioner {} is booked {when}", row.text("email")?));
    }
    if row.flag("same_room")? {
        found.push(format!("room {} is booked {when}", row.text("room_name")?));
    }
    if row.flag("same_device")? {
        found.push(format!(
            "device {} (serial {}) is booked {when}",
            row.text("device_name")?,
            row.text("serial")?
        ));
    }
    Ok(found)
}

/// What already holds the practitioner, room or device of `resources` at `time`.
async fn clashes(
    tx: &mut Tx<'_>,
    own_id: &AppointmentId,
    resources: [Value; 3],
    time: &SessionTime,
) -> StoreResult<()> {
    let [practitioner, room, device] = resources;
    let values = vec![
        practitioner,
        room,
        device,
        Value::from(time.starts_at),
        Value::from(time.ends_at),
        Value::from(time.clash_window_start),
        Value::from(own_id),
    ];
    let mut found = Vec::new();
    for mut row in tx.query(CLASH_SQL, &values).await? {
        found.extend(clash_sentences(&mut row)?);
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Clash(found))
    }
}

async fn current(tx: &mut Tx<'_>, id: &AppointmentId) -> StoreResult<Appointment> {
    let mut row = tx
        .query_optional("SELECT * FROM appointments WHERE id = $1", &args![id])
        .await?
        .ok_or(StoreError::NotFound)?;
    rows::appointment(&mut row)
}

#[async_trait]
impl<E: Engine> BookStore for SqlStore<E> {
    async fn book(&self, appointment: NewAppointment, audit: NewAuditEntry) -> StoreResult<Appointment> {
        let zones =
            serde_json::to_string(&appointment.zones).map_err(|e| StoreError::Backend(e.to_string()))?;
        let id = appointment.id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let a = &appointment;
                let resources = [(&a.practitioner_id).into(), (&a.room_id).into(), (&a.device_id).into()];
                clashes(tx, &a.id, resources, &a.time).await?;
                tx.execute(
                    "INSERT INTO appointments (id, client_id, intake_id, practitioner_id, room_id, device_id, starts_at,
                                               ends_at, starts_utc, ends_utc, zones_json, status, early_reason, version,
                                               created_by, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'booked', $12, 1, $13, $14, $14)",
                    &args![
                        &a.id,
                        &a.client_id,
                        &a.intake_id,
                        &a.practitioner_id,
                        &a.room_id,
                        &a.device_id,
                        a.time.starts_at,
                        a.time.ends_at,
                        a.time.starts_utc,
                        a.time.ends_utc,
                        &zones,
                        a.early_reason.as_ref(),
                        &a.created_by,
                        a.created_at
                    ],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.appointment(&id).await?.ok_or(StoreError::NotFound)
    }

    async fn appointment(&self, id: &AppointmentId) -> StoreResult<Option<Appointment>> {
        self.one(
            "SELECT * FROM appointments WHERE id = $1",
            args![id],
            rows::appointment,
        )
        .await
    }

    async fn appointments(&self, filter: &AppointmentFilter) -> StoreResult<Vec<Appointment>> {
        // Only the filters given go into the SQL, so each one can use its index
        // (`col IS NULL OR col = ?` would make SQLite scan every appointment).
        let mut sql = String::from("SELECT * FROM appointments WHERE 1 = 1");
        let mut values: Vec<Value> = Vec::new();
        let mut add = |condition: &str, value: Value| {
            values.push(value);
            sql.push_str(&format!(" AND {condition} ${}", values.len()));
        };
        for (column, value) in [
            (
                "practitioner_id",
                filter.practitioner_id.as_ref().map(Value::from),
            ),
            ("room_id", filter.room_id.as_ref().map(Value::from)),
            ("device_id", filter.device_id.as_ref().map(Value::from)),
            ("client_id", filter.client_id.as_ref().map(Value::from)),
        ] {
            if let Some(value) = value {
                add(&format!("{column} ="), value);
            }
        }
        if let Some(from) = filter.from {
            add("starts_at >=", Value::from(from));
        }
        if let Some(to) = filter.to {
            add("starts_at <", Value::from(to));
        }
        sql.push_str(" ORDER BY starts_at, id LIMIT 5000");
        self.all(&sql, values, rows::appointment).await
    }

    async fn change_appointment(
        &self,
        change: AppointmentChange,
        audit: NewAuditEntry,
    ) -> StoreResult<Appointment> {
        let id = change.id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let was = current(tx, &change.id).await?;
                if was.version != change.expected_version {
                    return Err(StoreError::Conflict { current: was.version });
                }
                let (starts_at, ends_at, starts_utc, ends_utc) = match &change.new_time {
                    Some(time) => {
                        let resources = [
                            (&was.practitioner_id).into(),
                            (&was.room_id).into(),
                            (&was.device_id).into(),
                        ];
                        clashes(tx, &was.id, resources, time).await?;
                        (
                            time.starts_at,
                            time.ends_at,
                            Some(time.starts_utc),
                            Some(time.ends_utc),
                        )
                    }
                    None => (was.starts_at, was.ends_at, was.starts_utc, was.ends_utc),
                };
                tx.execute(
                    "UPDATE appointments SET status = $2, status_reason = $3, starts_at = $4, ends_at = $5,
                            starts_utc = $6, ends_utc = $7, version = version + 1, updated_at = $8
                     WHERE id = $1",
                    &args![
                        &change.id,
                        change.status.name(),
                        change.reason.as_ref(),
                        starts_at,
                        ends_at,
                        starts_utc,
                        ends_utc,
                        change.updated_at
                    ],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.appointment(&id).await?.ok_or(StoreError::NotFound)
    }
}
