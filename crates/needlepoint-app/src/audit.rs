//! The audit log for the owner: browsing it (itself recorded) and checking its chain.

use needlepoint_store::chain::verify_store;
use needlepoint_store::{AuditAction, AuditEntry, AuditFilter, ClientId, UserId};
use serde::Serialize;

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult};

/// Which entries to show.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub limit: Option<i64>,
}

pub async fn browse(ctx: &Context, actor: &Actor, query: &AuditQuery) -> AppResult<Vec<AuditEntry>> {
    ctx.authorize(actor, Action::ReadAudit).await?;
    let id = |field: &str, text: &Option<String>| -> AppResult<Option<String>> {
        match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) if ClientId::parse(t).is_some() => Ok(Some(t.to_string())),
            Some(_) => Err(AppError::field(field, "not an id this clinic uses")),
        }
    };
    let filter = AuditFilter {
        client_id: id("client_id", &query.client_id)?.map(ClientId::from_stored),
        user_id: id("user_id", &query.user_id)?.map(UserId::from_stored),
        limit: query.limit.unwrap_or(200),
    };
    // Recorded and awaited first: the queue is ordered, so every earlier entry is then durable
    // and visible to the query below.
    ctx.audit
        .record(ctx.ok(actor, AuditAction::AuditRead, filter.client_id.as_ref(), "browse"))
        .await?;
    Ok(ctx.store.audit_entries(&filter).await?)
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    pub valid: bool,
    pub entries: usize,
    pub problem: Option<String>,
}

/// Checks the whole chain, page by page.
pub async fn verify(ctx: &Context, actor: &Actor) -> AppResult<Verification> {
    ctx.authorize(actor, Action::VerifyAudit).await?;
    ctx.audit
        .record(ctx.ok(actor, AuditAction::AuditVerify, None, ""))
        .await?;
    Ok(match verify_store(ctx.store.as_ref()).await? {
        Ok(entries) => Verification {
            valid: true,
            entries,
            problem: None,
        },
        Err(problem) => Verification {
            valid: false,
            entries: 0,
            problem: Some(problem.to_string()),
        },
    })
}
