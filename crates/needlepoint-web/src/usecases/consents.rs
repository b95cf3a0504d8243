//! Consent: versioned templates, signing on the tablet, withdrawal (recorded, never erased).

use needlepoint_domain::protocol::Protocol;
use needlepoint_store::{
    Consent, ConsentKind, ConsentTemplate, ConsentWithdrawal, NewConsent, NewConsentTemplate, PHOTO_SCOPES,
    Store, StoreError,
};

use super::{Problems, new_id};
use crate::auth::CurrentUser;
use crate::auth::session::now_text;
use crate::error::AppError;
use crate::state::AppState;

const TREATMENT_INTRO: &str = include_str!("../../assets/consent-treatment.txt");
const PHOTO_TEXT: &str = include_str!("../../assets/consent-photo.txt");

/// The treatment consent text: our fixed wording, then the expected effects and the warning signs
/// from the protocol, so that what the client signs matches what the plan tells them.
pub fn treatment_text(protocol: &Protocol) -> String {
    let mut text = TREATMENT_INTRO.trim_end().to_string();
    text.push_str("\n\nWhat is normal afterwards:\n");
    for effect in &protocol.care.expected {
        text.push_str(&format!("- {}\n", effect.text));
    }
    text.push_str("\nRisks, and signs that need the clinic:\n");
    for sign in &protocol.care.warning_signs {
        text.push_str(&format!("- {}\n", sign.text));
    }
    text
}

/// Makes sure the current texts are stored; a changed text becomes a new version.
pub async fn ensure_templates(store: &dyn Store, protocol: &Protocol) -> Result<(), StoreError> {
    for (kind, title, body) in [
        (
            ConsentKind::Treatment,
            "Consent to microneedling treatment",
            treatment_text(protocol),
        ),
        (
            ConsentKind::Photo,
            "Consent to photographs",
            PHOTO_TEXT.trim_end().to_string(),
        ),
    ] {
        store
            .ensure_consent_template(NewConsentTemplate {
                id: new_id(),
                kind,
                title: title.into(),
                body,
                created_at: now_text(),
            })
            .await?;
    }
    Ok(())
}

pub async fn current_template(state: &AppState, kind: ConsentKind) -> Result<ConsentTemplate, AppError> {
    state
        .store
        .current_consent_template(kind)
        .await?
        .ok_or(AppError::NotFound)
}

/// What a signature form or body sends.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SignInput {
    /// `treatment` or `photo`.
    pub kind: Option<String>,
    /// The template the client read; it must be the current one of that kind.
    pub template_id: Option<String>,
    /// The client's typed full name.
    pub signer_name: Option<String>,
    /// Photo consent: any of `clinical_record`, `teaching`, `marketing`.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// An optional drawn signature as SVG path data (`M10 10 L20 20 …`).
    pub signature_path: Option<String>,
}

fn valid_path(path: &str) -> bool {
    path.len() <= 20_000 && path.chars().all(|c| c.is_ascii_digit() || " .,-MLml".contains(c))
}

pub async fn sign(
    state: &AppState,
    user: &CurrentUser,
    client_id: &str,
    input: &SignInput,
) -> Result<Consent, AppError> {
    let client = state.store.client(client_id).await?.ok_or(AppError::NotFound)?;
    let mut problems = Problems::default();
    let kind = input.kind.as_deref().and_then(ConsentKind::from_name);
    if kind.is_none() {
        problems.add("kind", "expected treatment or photo");
    }
    let signer = input.signer_name.as_deref().map(str::trim).unwrap_or("");
    if signer.chars().count() < 2 {
        problems.add("signer_name", "the client types their full name to sign");
    }
    if kind == Some(ConsentKind::Photo) {
        if input.scopes.is_empty() {
            problems.add(
                "scopes",
                format!("choose at least one of: {}", PHOTO_SCOPES.join(", ")),
            );
        }
        for scope in &input.scopes {
            if !PHOTO_SCOPES.contains(&scope.as_str()) {
                problems.add(
                    "scopes",
                    format!("unknown scope `{scope}`; expected: {}", PHOTO_SCOPES.join(", ")),
                );
            }
        }
    } else if !input.scopes.is_empty() {
        problems.add("scopes", "scopes apply to photo consent only");
    }
    let signature = input
        .signature_path
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if signature.is_some_and(|p| !valid_path(p)) {
        problems.add("signature_path", "expected SVG path data (M, L and numbers)");
    }
    problems.finish()?;
    let kind = kind.ok_or(AppError::NotFound)?;
    let current = current_template(state, kind).await?;
    if input.template_id.as_deref() != Some(current.id.as_str()) {
        return Err(AppError::Conflict {
            message: format!(
                "the consent text has changed since it was shown (now version {}); show the client the current text",
                current.version
            ),
        });
    }
    let id = new_id();
    let audit = user.audit_entry(
        "consent.sign",
        "ok",
        Some(&client.id),
        format!("consent={id} kind={} version={}", kind.name(), current.version),
    );
    Ok(state
        .store
        .add_consent(
            NewConsent {
                id,
                client_id: client.id,
                template_id: current.id,
                scopes: input.scopes.clone(),
                signer_name: signer.to_string(),
                signature_svg: signature.map(str::to_string),
                witness_user_id: user.user.id.clone(),
                signed_at: now_text(),
            },
            audit,
        )
        .await?)
}

pub async fn list(state: &AppState, user: &CurrentUser, client_id: &str) -> Result<Vec<Consent>, AppError> {
    state.store.client(client_id).await?.ok_or(AppError::NotFound)?;
    let consents = state.store.consents_for_client(client_id).await?;
    state
        .audit
        .record_read(user.audit_entry(
            "consent.list",
            "ok",
            Some(client_id),
            format!("results={}", consents.len()),
        ))
        .await?;
    Ok(consents)
}

pub async fn withdraw(
    state: &AppState,
    user: &CurrentUser,
    consent_id: &str,
    reason: &str,
) -> Result<Consent, AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "say why the consent is withdrawn"));
    }
    let audit = user.audit_entry("consent.withdraw", "ok", None, format!("consent={consent_id}"));
    state
        .store
        .withdraw_consent(
            ConsentWithdrawal {
                consent_id: consent_id.to_string(),
                withdrawn_by: user.user.id.clone(),
                reason: reason.to_string(),
                withdrawn_at: now_text(),
            },
            audit,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict {
                message: "this consent was already withdrawn".into(),
            },
            other => other.into(),
        })
}
