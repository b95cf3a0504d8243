//! What already holds a practitioner, room or device at a time: one query and one wording for
//! both engines.

use needlepoint_store::StoreResult;

use crate::rows::Columns;

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
pub fn clash_sentences(row: &impl Columns) -> StoreResult<Vec<String>> {
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
