//! Turning SQLite rows into records.

use needlepoint_store::*;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} `{value}` is not valid"))
}

pub fn user_from_row(row: &SqliteRow) -> StoreResult<User> {
    let role: String = row.get("role");
    Ok(User {
        id: row.get("id"),
        email: row.get("email"),
        role: Role::from_name(&role).ok_or_else(|| corrupt("role", &role))?,
        password_hash: row.get("password_hash"),
        created_at: row.get("created_at"),
    })
}

pub fn client_from_row(row: &SqliteRow) -> StoreResult<Client> {
    Ok(Client {
        id: row.get("id"),
        fields: ClientFields {
            given_name: row.get("given_name"),
            family_name: row.get("family_name"),
            birth_date: row.get("birth_date"),
            email: row.get("email"),
            phone: row.get("phone"),
        },
        version: row.get("version"),
        archived: row.get("archived"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}

fn json(row: &SqliteRow, column: &str) -> StoreResult<serde_json::Value> {
    let text: String = row.get(column);
    serde_json::from_str(&text).map_err(|_| corrupt(column, "…"))
}

pub fn intake_from_row(row: &SqliteRow) -> StoreResult<IntakeRecord> {
    Ok(IntakeRecord {
        id: row.get("id"),
        client_id: row.get("client_id"),
        number: row.get("number"),
        intake: json(row, "intake_json")?,
        plan: json(row, "plan_json")?,
        decision: row.get("decision"),
        protocol_version: row.get("protocol_version"),
        created_by: row.get("created_by"),
        created_at: row.get("created_at"),
    })
}

pub fn template_from_row(row: &SqliteRow) -> StoreResult<ConsentTemplate> {
    let kind: String = row.get("kind");
    Ok(ConsentTemplate {
        id: row.get("id"),
        kind: ConsentKind::from_name(&kind).ok_or_else(|| corrupt("consent kind", &kind))?,
        version: row.get("version"),
        title: row.get("title"),
        body: row.get("body"),
        sha256: row.get("sha256"),
        created_at: row.get("created_at"),
    })
}

pub fn consent_from_row(row: &SqliteRow) -> StoreResult<Consent> {
    let kind: String = row.get("kind");
    let scopes: String = row.get("scopes_json");
    let signature: Option<String> = row.get("signature_svg");
    Ok(Consent {
        id: row.get("id"),
        client_id: row.get("client_id"),
        template_id: row.get("template_id"),
        kind: ConsentKind::from_name(&kind).ok_or_else(|| corrupt("consent kind", &kind))?,
        template_version: row.get("template_version"),
        text_sha256: row.get("text_sha256"),
        scopes: serde_json::from_str(&scopes).map_err(|_| corrupt("consent scopes", &scopes))?,
        signer_name: row.get("signer_name"),
        has_drawn_signature: signature.is_some(),
        witness_user_id: row.get("witness_user_id"),
        signed_at: row.get("signed_at"),
        withdrawn_at: row.get("withdrawn_at"),
        withdrawn_by: row.get("withdrawn_by"),
        withdrawal_reason: row.get("withdrawal_reason"),
    })
}

pub fn audit_from_row(row: &SqliteRow) -> AuditEntry {
    AuditEntry {
        seq: row.get("seq"),
        at: row.get("at"),
        user_id: row.get("user_id"),
        client_id: row.get("client_id"),
        action: row.get("action"),
        outcome: row.get("outcome"),
        detail: row.get("detail"),
        prev_hash: row.get("prev_hash"),
        hash: row.get("hash"),
    }
}

pub fn licence_from_row(row: &SqliteRow) -> Licence {
    Licence {
        user_id: row.get("user_id"),
        licence_type: row.get("licence_type"),
        max_depth_hundredths: row.get("max_depth_hundredths"),
        updated_at: row.get("updated_at"),
    }
}

pub fn room_from_row(row: &SqliteRow) -> Room {
    Room {
        id: row.get("id"),
        name: row.get("name"),
        created_at: row.get("created_at"),
    }
}

pub fn device_from_row(row: &SqliteRow) -> Device {
    Device {
        id: row.get("id"),
        name: row.get("name"),
        model: row.get("model"),
        serial: row.get("serial"),
        min_hundredths: row.get("min_hundredths"),
        max_hundredths: row.get("max_hundredths"),
        labelled_limits: row.get("labelled_limits"),
        last_serviced_on: row.get("last_serviced_on"),
        service_due_on: row.get("service_due_on"),
        created_at: row.get("created_at"),
    }
}

pub fn appointment_from_row(row: &SqliteRow) -> StoreResult<Appointment> {
    let status: String = row.get("status");
    let zones: String = row.get("zones_json");
    Ok(Appointment {
        id: row.get("id"),
        client_id: row.get("client_id"),
        intake_id: row.get("intake_id"),
        practitioner_id: row.get("practitioner_id"),
        room_id: row.get("room_id"),
        device_id: row.get("device_id"),
        starts_at: row.get("starts_at"),
        ends_at: row.get("ends_at"),
        zones: serde_json::from_str(&zones).map_err(|_| corrupt("zones", &zones))?,
        status: AppointmentStatus::from_name(&status).ok_or_else(|| corrupt("status", &status))?,
        status_reason: row.get("status_reason"),
        early_reason: row.get("early_reason"),
        version: row.get("version"),
        created_by: row.get("created_by"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}

pub fn formulary_from_row(row: &SqliteRow) -> FormularyItem {
    FormularyItem {
        id: row.get("id"),
        name: row.get("name"),
        use_for: row.get("use"),
        created_at: row.get("created_at"),
    }
}

pub fn chart_from_row(row: &SqliteRow) -> StoreResult<ChartRecord> {
    Ok(ChartRecord {
        id: row.get("id"),
        appointment_id: row.get("appointment_id"),
        client_id: row.get("client_id"),
        chart: json(row, "chart_json")?,
        version: row.get("version"),
        cosigned_by: row.get("cosigned_by"),
        cosigned_at: row.get("cosigned_at"),
        signed_by: row.get("signed_by"),
        signed_at: row.get("signed_at"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}

pub fn amendment_from_row(row: &SqliteRow) -> Amendment {
    Amendment {
        id: row.get("id"),
        chart_id: row.get("chart_id"),
        author_id: row.get("author_id"),
        reason: row.get("reason"),
        text: row.get("text"),
        created_at: row.get("created_at"),
    }
}

pub fn lot_trace_from_row(row: &SqliteRow) -> LotTrace {
    LotTrace {
        lot: row.get("lot"),
        kind: row.get("kind"),
        product: row.get("product"),
        used_on: row.get("used_on"),
        chart_id: row.get("chart_id"),
        client_id: row.get("client_id"),
        given_name: row.get("given_name"),
        family_name: row.get("family_name"),
        email: row.get("email"),
        phone: row.get("phone"),
    }
}
