//! Consent texts (a changed text is a new version), signatures and withdrawals.

use async_trait::async_trait;
use needlepoint_store::{
    ClientId, Consent, ConsentId, ConsentKind, ConsentStore, ConsentTemplate, ConsentWithdrawal,
    NewAuditEntry, NewConsent, NewConsentTemplate, StoreError, StoreResult, TemplateId,
};

use crate::engine::{Engine, Tx};
use crate::keys::hex_sha256;
use crate::{SqlStore, args, rows};

/// A consent with its template's kind and version.
const CONSENT_SELECT: &str = "SELECT c.*, t.kind, t.version AS template_version FROM consents c
     JOIN consent_templates t ON t.id = c.template_id";

const CURRENT_TEMPLATE: &str =
    "SELECT * FROM consent_templates WHERE kind = $1 ORDER BY version DESC LIMIT 1";

#[async_trait]
impl<E: Engine> ConsentStore for SqlStore<E> {
    async fn ensure_consent_template(&self, template: NewConsentTemplate) -> StoreResult<ConsentTemplate> {
        let sha = hex_sha256(&template.body);
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let current = tx
                    .query_optional(CURRENT_TEMPLATE, &args![template.kind.name()])
                    .await?
                    .map(|mut row| rows::template(&mut row))
                    .transpose()?;
                if let Some(existing) = current.as_ref().filter(|t| t.sha256 == sha) {
                    return Ok(existing.clone());
                }
                let version = current.map_or(1, |t| t.version + 1);
                tx.execute(
                    "INSERT INTO consent_templates (id, kind, version, title, body, sha256, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    &args![
                        &template.id,
                        template.kind.name(),
                        version,
                        &template.title,
                        &template.body,
                        &sha,
                        template.created_at
                    ],
                )
                .await?;
                Ok(ConsentTemplate {
                    id: template.id.clone(),
                    kind: template.kind,
                    version,
                    title: template.title.clone(),
                    body: template.body.clone(),
                    sha256: sha.clone(),
                    created_at: template.created_at,
                })
            })
            .await
    }

    async fn current_consent_template(&self, kind: ConsentKind) -> StoreResult<Option<ConsentTemplate>> {
        self.one(CURRENT_TEMPLATE, args![kind.name()], rows::template)
            .await
    }

    async fn consent_template(&self, id: &TemplateId) -> StoreResult<Option<ConsentTemplate>> {
        self.one(
            "SELECT * FROM consent_templates WHERE id = $1",
            args![id],
            rows::template,
        )
        .await
    }

    async fn add_consent(&self, consent: NewConsent, audit: NewAuditEntry) -> StoreResult<Consent> {
        let scopes: Vec<&str> = consent.scopes.iter().map(|s| s.name()).collect();
        let scopes = serde_json::to_string(&scopes).map_err(|e| StoreError::Backend(e.to_string()))?;
        let id = consent.id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let mut template = tx
                    .query_optional(
                        "SELECT sha256 FROM consent_templates WHERE id = $1",
                        &args![&consent.template_id],
                    )
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let sha = template.text("sha256")?;
                tx.execute(
                    "INSERT INTO consents (id, client_id, template_id, text_sha256, scopes_json, signer_name, signature_svg,
                                           witness_user_id, signed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    &args![
                        &consent.id,
                        &consent.client_id,
                        &consent.template_id,
                        &sha,
                        &scopes,
                        &consent.signer_name,
                        consent.signature_svg.as_ref(),
                        &consent.witness_user_id,
                        consent.signed_at
                    ],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.consent(&id).await?.ok_or(StoreError::NotFound)
    }

    async fn consent(&self, id: &ConsentId) -> StoreResult<Option<Consent>> {
        self.one(
            &format!("{CONSENT_SELECT} WHERE c.id = $1"),
            args![id],
            rows::consent,
        )
        .await
    }

    async fn consents_for_client(&self, client_id: &ClientId) -> StoreResult<Vec<Consent>> {
        self.all(
            &format!("{CONSENT_SELECT} WHERE c.client_id = $1 ORDER BY c.signed_at DESC, c.id"),
            args![client_id],
            rows::consent,
        )
        .await
    }

    async fn withdraw_consent(
        &self,
        withdrawal: ConsentWithdrawal,
        audit: NewAuditEntry,
    ) -> StoreResult<Consent> {
        let id = withdrawal.consent_id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let w = &withdrawal;
                let changed = tx
                    .execute(
                        "UPDATE consents SET withdrawn_at = $2, withdrawn_by = $3, withdrawal_reason = $4
                         WHERE id = $1 AND withdrawn_at IS NULL",
                        &args![&w.consent_id, w.withdrawn_at, &w.withdrawn_by, &w.reason],
                    )
                    .await?;
                if changed == 0 {
                    let exists = tx
                        .query_optional("SELECT id FROM consents WHERE id = $1", &args![&w.consent_id])
                        .await?;
                    return Err(if exists.is_some() {
                        StoreError::Conflict { current: 0 }
                    } else {
                        StoreError::NotFound
                    });
                }
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.consent(&id).await?.ok_or(StoreError::NotFound)
    }
}
