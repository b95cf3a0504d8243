//! Rows into records, once for every engine. A value that does not read as what it should be is
//! an error naming the column, never a panic and never a guess.

use needlepoint_store::*;

use crate::value::Row;

fn named<T>(column: &str, text: String, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(&text).ok_or_else(|| StoreError::corrupt(column, &text))
}

pub fn user(row: &mut Row) -> StoreResult<User> {
    Ok(User {
        id: row.id("id")?,
        email: row.text("email")?,
        role: named("role", row.text("role")?, Role::from_name)?,
        password_hash: row.text("password_hash")?,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn client(row: &mut Row) -> StoreResult<Client> {
    Ok(Client {
        id: row.id("id")?,
        fields: ClientFields {
            given_name: row.text("given_name")?,
            family_name: row.text("family_name")?,
            birth_date: row.date("birth_date")?,
            email: row.maybe_text("email")?,
            phone: row.maybe_text("phone")?,
        },
        version: row.int("version")?,
        archived: row.flag("archived")?,
        created_at: row.timestamp("created_at")?,
        updated_at: row.timestamp("updated_at")?,
    })
}

pub fn intake(row: &mut Row) -> StoreResult<IntakeRecord> {
    let plan: needlepoint_domain::plan::Plan = row.json("plan_json")?;
    let decision = row.text("decision")?;
    if decision != plan.screening.decision.name() {
        return Err(StoreError::corrupt("decision", &decision));
    }
    Ok(IntakeRecord {
        id: row.id("id")?,
        client_id: row.id("client_id")?,
        number: row.int("number")?,
        intake: row.json("intake_json")?,
        decision: plan.screening.decision,
        plan,
        protocol_version: row.text("protocol_version")?,
        created_by: row.id("created_by")?,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn depth_override(row: &mut Row) -> StoreResult<DepthOverride> {
    Ok(DepthOverride {
        id: row.id("id")?,
        intake_id: row.id("intake_id")?,
        zone: row.text("zone")?,
        planned_hundredths: row.count("planned_hundredths")?,
        outside_bounds: row.flag("outside_bounds")?,
        reason: row.maybe_text("reason")?,
        created_by: row.id("created_by")?,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn template(row: &mut Row) -> StoreResult<ConsentTemplate> {
    Ok(ConsentTemplate {
        id: row.id("id")?,
        kind: named("kind", row.text("kind")?, ConsentKind::from_name)?,
        version: row.int("version")?,
        title: row.text("title")?,
        body: row.text("body")?,
        sha256: row.text("sha256")?,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn consent(row: &mut Row) -> StoreResult<Consent> {
    let scopes: Vec<String> = row.json("scopes_json")?;
    Ok(Consent {
        id: row.id("id")?,
        client_id: row.id("client_id")?,
        template_id: row.id("template_id")?,
        kind: named("kind", row.text("kind")?, ConsentKind::from_name)?,
        template_version: row.int("template_version")?,
        text_sha256: row.text("text_sha256")?,
        scopes: scopes
            .into_iter()
            .map(|s| named("scopes_json", s, PhotoScope::from_name))
            .collect::<StoreResult<_>>()?,
        signer_name: row.text("signer_name")?,
        has_drawn_signature: row.maybe_text("signature_svg")?.is_some(),
        witness_user_id: row.id("witness_user_id")?,
        signed_at: row.timestamp("signed_at")?,
        withdrawn_at: row.maybe_timestamp("withdrawn_at")?,
        withdrawn_by: row.maybe_id("withdrawn_by")?,
        withdrawal_reason: row.maybe_text("withdrawal_reason")?,
    })
}

pub fn audit(row: &mut Row) -> StoreResult<AuditEntry> {
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

pub fn licence(row: &mut Row) -> StoreResult<Licence> {
    Ok(Licence {
        user_id: row.id("user_id")?,
        licence_type: row.text("licence_type")?,
        max_depth_hundredths: row.count("max_depth_hundredths")?,
        updated_at: row.timestamp("updated_at")?,
    })
}

pub fn room(row: &mut Row) -> StoreResult<Room> {
    Ok(Room {
        id: row.id("id")?,
        name: row.text("name")?,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn device(row: &mut Row) -> StoreResult<Device> {
    Ok(Device {
        id: row.id("id")?,
        name: row.text("name")?,
        model: row.text("model")?,
        serial: row.text("serial")?,
        min_hundredths: row.count("min_hundredths")?,
        max_hundredths: row.count("max_hundredths")?,
        labelled_limits: row.text("labelled_limits")?,
        last_serviced_on: row.maybe_parsed("last_serviced_on")?,
        service_due_on: row.maybe_parsed("service_due_on")?,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn appointment(row: &mut Row) -> StoreResult<Appointment> {
    Ok(Appointment {
        id: row.id("id")?,
        client_id: row.id("client_id")?,
        intake_id: row.id("intake_id")?,
        practitioner_id: row.id("practitioner_id")?,
        room_id: row.id("room_id")?,
        device_id: row.id("device_id")?,
        starts_at: row.datetime("starts_at")?,
        ends_at: row.datetime("ends_at")?,
        starts_utc: row.maybe_timestamp("starts_utc")?,
        ends_utc: row.maybe_timestamp("ends_utc")?,
        zones: row.json("zones_json")?,
        status: named("status", row.text("status")?, AppointmentStatus::from_name)?,
        status_reason: row.maybe_text("status_reason")?,
        early_reason: row.maybe_text("early_reason")?,
        version: row.int("version")?,
        created_by: row.id("created_by")?,
        created_at: row.timestamp("created_at")?,
        updated_at: row.timestamp("updated_at")?,
    })
}

pub fn formulary(row: &mut Row) -> StoreResult<FormularyItem> {
    Ok(FormularyItem {
        id: row.id("id")?,
        name: row.text("name")?,
        use_for: named("use", row.text("use")?, FormularyUse::from_name)?,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn chart(row: &mut Row) -> StoreResult<ChartRecord> {
    Ok(ChartRecord {
        id: row.id("id")?,
        appointment_id: row.id("appointment_id")?,
        client_id: row.id("client_id")?,
        chart: row.json("chart_json")?,
        version: row.int("version")?,
        cosigned_by: row.maybe_id("cosigned_by")?,
        cosigned_at: row.maybe_timestamp("cosigned_at")?,
        signed_by: row.maybe_id("signed_by")?,
        signed_at: row.maybe_timestamp("signed_at")?,
        created_at: row.timestamp("created_at")?,
        updated_at: row.timestamp("updated_at")?,
    })
}

pub fn amendment(row: &mut Row) -> StoreResult<Amendment> {
    Ok(Amendment {
        id: row.id("id")?,
        chart_id: row.id("chart_id")?,
        author_id: row.id("author_id")?,
        reason: row.text("reason")?,
        text: row.text("text")?,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn lot_trace(row: &mut Row) -> StoreResult<LotTrace> {
    Ok(LotTrace {
        lot: row.text("lot")?,
        kind: named("kind", row.text("kind")?, LotKind::from_name)?,
        product: row.text("product")?,
        used_on: row.date("used_on")?,
        chart_id: row.id("chart_id")?,
        client_id: row.id("client_id")?,
        given_name: row.text("given_name")?,
        family_name: row.text("family_name")?,
        email: row.maybe_text("email")?,
        phone: row.maybe_text("phone")?,
    })
}

pub fn aftercare_link(row: &mut Row) -> StoreResult<AftercareLink> {
    Ok(AftercareLink {
        token_hash: row.text("token_hash")?,
        chart_id: row.id("chart_id")?,
        expires_at_unix: row.int("expires_at_unix")?,
        created_by: row.id("created_by")?,
        created_at: row.timestamp("created_at")?,
    })
}
