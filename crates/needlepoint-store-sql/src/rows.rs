//! Turning rows into records, once for every driver: sqlx rows of either engine, rusqlite rows on
//! the SQLite read connections.

use needlepoint_store::*;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} `{value}` is not valid"))
}

/// Reading one column by name, whichever driver produced the row. A column of the wrong type is
/// an error, never a panic.
pub trait Columns {
    fn text(&self, column: &str) -> StoreResult<String>;
    fn maybe_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn int(&self, column: &str) -> StoreResult<i64>;

    fn flag(&self, column: &str) -> StoreResult<bool> {
        Ok(self.int(column)? != 0)
    }

    fn count(&self, column: &str) -> StoreResult<u32> {
        let value = self.int(column)?;
        u32::try_from(value).map_err(|_| corrupt(column, &value.to_string()))
    }

    fn json(&self, column: &str) -> StoreResult<serde_json::Value> {
        let text = self.text(column)?;
        serde_json::from_str(&text).map_err(|_| corrupt(column, "…"))
    }
}

fn column_error(column: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("column {column}: {error}"))
}

impl Columns for SqliteRow {
    fn text(&self, column: &str) -> StoreResult<String> {
        self.try_get(column).map_err(|e| column_error(column, e))
    }
    fn maybe_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.try_get(column).map_err(|e| column_error(column, e))
    }
    fn int(&self, column: &str) -> StoreResult<i64> {
        self.try_get(column).map_err(|e| column_error(column, e))
    }
}

impl Columns for PgRow {
    fn text(&self, column: &str) -> StoreResult<String> {
        self.try_get(column).map_err(|e| column_error(column, e))
    }
    fn maybe_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.try_get(column).map_err(|e| column_error(column, e))
    }
    fn int(&self, column: &str) -> StoreResult<i64> {
        self.try_get(column).map_err(|e| column_error(column, e))
    }
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, column: &str) -> StoreResult<String> {
        self.get(column).map_err(|e| column_error(column, e))
    }
    fn maybe_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.get(column).map_err(|e| column_error(column, e))
    }
    fn int(&self, column: &str) -> StoreResult<i64> {
        self.get(column).map_err(|e| column_error(column, e))
    }
}

pub fn user_from_row(row: &impl Columns) -> StoreResult<User> {
    let role = row.text("role")?;
    Ok(User {
        id: row.text("id")?,
        email: row.text("email")?,
        role: Role::from_name(&role).ok_or_else(|| corrupt("role", &role))?,
        password_hash: row.text("password_hash")?,
        created_at: row.text("created_at")?,
    })
}

pub fn client_from_row(row: &impl Columns) -> StoreResult<Client> {
    Ok(Client {
        id: row.text("id")?,
        fields: ClientFields {
            given_name: row.text("given_name")?,
            family_name: row.text("family_name")?,
            birth_date: row.text("birth_date")?,
            email: row.maybe_text("email")?,
            phone: row.maybe_text("phone")?,
        },
        version: row.int("version")?,
        archived: row.flag("archived")?,
        created_at: row.text("created_at")?,
        updated_at: row.text("updated_at")?,
    })
}

pub fn intake_from_row(row: &impl Columns) -> StoreResult<IntakeRecord> {
    Ok(IntakeRecord {
        id: row.text("id")?,
        client_id: row.text("client_id")?,
        number: row.int("number")?,
        intake: row.json("intake_json")?,
        plan: row.json("plan_json")?,
        decision: row.text("decision")?,
        protocol_version: row.text("protocol_version")?,
        created_by: row.text("created_by")?,
        created_at: row.text("created_at")?,
    })
}

pub fn depth_override_from_row(row: &impl Columns) -> StoreResult<DepthOverride> {
    Ok(DepthOverride {
        id: row.text("id")?,
        intake_id: row.text("intake_id")?,
        zone: row.text("zone")?,
        planned_hundredths: row.int("planned_hundredths")?,
        outside_bounds: row.flag("outside_bounds")?,
        reason: row.maybe_text("reason")?,
        created_by: row.text("created_by")?,
        created_at: row.text("created_at")?,
    })
}

pub fn template_from_row(row: &impl Columns) -> StoreResult<ConsentTemplate> {
    let kind = row.text("kind")?;
    Ok(ConsentTemplate {
        id: row.text("id")?,
        kind: ConsentKind::from_name(&kind).ok_or_else(|| corrupt("consent kind", &kind))?,
        version: row.int("version")?,
        title: row.text("title")?,
        body: row.text("body")?,
        sha256: row.text("sha256")?,
        created_at: row.text("created_at")?,
    })
}

pub fn consent_from_row(row: &impl Columns) -> StoreResult<Consent> {
    let kind = row.text("kind")?;
    let scopes = row.text("scopes_json")?;
    Ok(Consent {
        id: row.text("id")?,
        client_id: row.text("client_id")?,
        template_id: row.text("template_id")?,
        kind: ConsentKind::from_name(&kind).ok_or_else(|| corrupt("consent kind", &kind))?,
        template_version: row.int("template_version")?,
        text_sha256: row.text("text_sha256")?,
        scopes: serde_json::from_str(&scopes).map_err(|_| corrupt("consent scopes", &scopes))?,
        signer_name: row.text("signer_name")?,
        has_drawn_signature: row.maybe_text("signature_svg")?.is_some(),
        witness_user_id: row.text("witness_user_id")?,
        signed_at: row.text("signed_at")?,
        withdrawn_at: row.maybe_text("withdrawn_at")?,
        withdrawn_by: row.maybe_text("withdrawn_by")?,
        withdrawal_reason: row.maybe_text("withdrawal_reason")?,
    })
}

pub fn audit_from_row(row: &impl Columns) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        seq: row.int("seq")?,
        at: row.text("at")?,
        user_id: row.maybe_text("user_id")?,
        client_id: row.maybe_text("client_id")?,
        action: row.text("action")?,
        outcome: row.text("outcome")?,
        detail: row.text("detail")?,
        prev_hash: row.text("prev_hash")?,
        hash: row.text("hash")?,
    })
}

pub fn licence_from_row(row: &impl Columns) -> StoreResult<Licence> {
    Ok(Licence {
        user_id: row.text("user_id")?,
        licence_type: row.text("licence_type")?,
        max_depth_hundredths: row.count("max_depth_hundredths")?,
        updated_at: row.text("updated_at")?,
    })
}

pub fn room_from_row(row: &impl Columns) -> StoreResult<Room> {
    Ok(Room {
        id: row.text("id")?,
        name: row.text("name")?,
        created_at: row.text("created_at")?,
    })
}

pub fn device_from_row(row: &impl Columns) -> StoreResult<Device> {
    Ok(Device {
        id: row.text("id")?,
        name: row.text("name")?,
        model: row.text("model")?,
        serial: row.text("serial")?,
        min_hundredths: row.count("min_hundredths")?,
        max_hundredths: row.count("max_hundredths")?,
        labelled_limits: row.text("labelled_limits")?,
        last_serviced_on: row.maybe_text("last_serviced_on")?,
        service_due_on: row.maybe_text("service_due_on")?,
        created_at: row.text("created_at")?,
    })
}

pub fn appointment_from_row(row: &impl Columns) -> StoreResult<Appointment> {
    let status = row.text("status")?;
    let zones = row.text("zones_json")?;
    Ok(Appointment {
        id: row.text("id")?,
        client_id: row.text("client_id")?,
        intake_id: row.text("intake_id")?,
        practitioner_id: row.text("practitioner_id")?,
        room_id: row.text("room_id")?,
        device_id: row.text("device_id")?,
        starts_at: row.text("starts_at")?,
        ends_at: row.text("ends_at")?,
        zones: serde_json::from_str(&zones).map_err(|_| corrupt("zones", &zones))?,
        status: AppointmentStatus::from_name(&status).ok_or_else(|| corrupt("status", &status))?,
        status_reason: row.maybe_text("status_reason")?,
        early_reason: row.maybe_text("early_reason")?,
        version: row.int("version")?,
        created_by: row.text("created_by")?,
        created_at: row.text("created_at")?,
        updated_at: row.text("updated_at")?,
    })
}

pub fn formulary_from_row(row: &impl Columns) -> StoreResult<FormularyItem> {
    Ok(FormularyItem {
        id: row.text("id")?,
        name: row.text("name")?,
        use_for: row.text("use")?,
        created_at: row.text("created_at")?,
    })
}

pub fn chart_from_row(row: &impl Columns) -> StoreResult<ChartRecord> {
    Ok(ChartRecord {
        id: row.text("id")?,
        appointment_id: row.text("appointment_id")?,
        client_id: row.text("client_id")?,
        chart: row.json("chart_json")?,
        version: row.int("version")?,
        cosigned_by: row.maybe_text("cosigned_by")?,
        cosigned_at: row.maybe_text("cosigned_at")?,
        signed_by: row.maybe_text("signed_by")?,
        signed_at: row.maybe_text("signed_at")?,
        created_at: row.text("created_at")?,
        updated_at: row.text("updated_at")?,
    })
}

pub fn amendment_from_row(row: &impl Columns) -> StoreResult<Amendment> {
    Ok(Amendment {
        id: row.text("id")?,
        chart_id: row.text("chart_id")?,
        author_id: row.text("author_id")?,
        reason: row.text("reason")?,
        text: row.text("text")?,
        created_at: row.text("created_at")?,
    })
}

pub fn lot_trace_from_row(row: &impl Columns) -> StoreResult<LotTrace> {
    Ok(LotTrace {
        lot: row.text("lot")?,
        kind: row.text("kind")?,
        product: row.text("product")?,
        used_on: row.text("used_on")?,
        chart_id: row.text("chart_id")?,
        client_id: row.text("client_id")?,
        given_name: row.text("given_name")?,
        family_name: row.text("family_name")?,
        email: row.maybe_text("email")?,
        phone: row.maybe_text("phone")?,
    })
}
