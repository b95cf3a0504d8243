//! Consent: versioned texts, signing on the tablet, withdrawal (recorded, never erased).

use needlepoint_store::{
    AuditAction, ClientId, Consent, ConsentId, ConsentKind, ConsentTemplate, ConsentWithdrawal, NewConsent,
    NewConsentTemplate, PhotoScope, StoreError, TemplateId,
};

use crate::access::{Action, Actor};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problems};

const TREATMENT_INTRO: &str = include_str!("../assets/consent-treatment.txt");
const PHOTO_TEXT: &str = include_str!("../assets/consent-photo.txt");

/// The treatment consent text: our fixed wording, then the expected effects and the warning signs
/// from the protocol, so that what the client signs matches what the plan tells them.
pub fn treatment_text(protocol: &needlepoint_domain::protocol::Protocol) -> String {
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
pub async fn ensure_templates(ctx: &Context) -> AppResult<()> {
    for (kind, title, body) in [
        (
            ConsentKind::Treatment,
            "Consent to microneedling treatment",
            treatment_text(&ctx.protocol),
        ),
        (
            ConsentKind::Photo,
            "Consent to photographs",
            PHOTO_TEXT.trim_end().to_string(),
        ),
    ] {
        ctx.store
            .ensure_consent_template(NewConsentTemplate {
                id: TemplateId::new(),
                kind,
                title: title.into(),
                body,
                created_at: ctx.now(),
            })
            .await?;
    }
    Ok(())
}

/// The text a client reads before signing.
pub async fn current_template(ctx: &Context, actor: &Actor, kind: ConsentKind) -> AppResult<ConsentTemplate> {
    ctx.authorize(actor, Action::ReadConsentText).await?;
    ctx.store
        .current_consent_template(kind)
        .await?
        .ok_or(AppError::NotFound)
}

/// What a signature form or body sends.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

fn scopes(problems: &mut Problems, kind: Option<ConsentKind>, given: &[String]) -> Vec<PhotoScope> {
    let names: Vec<&str> = PhotoScope::ALL.iter().map(|s| s.name()).collect();
    if kind != Some(ConsentKind::Photo) {
        if !given.is_empty() {
            problems.add("scopes", "scopes apply to photo consent only");
        }
        return Vec::new();
    }
    if given.is_empty() {
        problems.add("scopes", format!("choose at least one of: {}", names.join(", ")));
    }
    let mut chosen = Vec::new();
    for scope in given {
        match PhotoScope::from_name(scope) {
            Some(s) if !chosen.contains(&s) => chosen.push(s),
            Some(_) => {}
            None => problems.add(
                "scopes",
                format!("unknown scope `{scope}`; expected: {}", names.join(", ")),
            ),
        }
    }
    chosen
}

pub async fn sign(
    ctx: &Context,
    actor: &Actor,
    client_id: &ClientId,
    input: &SignInput,
) -> AppResult<Consent> {
    let witness = ctx.staff(actor, Action::SignConsent).await?;
    let client = crate::clients::load(ctx, client_id).await?;
    let mut problems = Problems::default();
    let kind = input.kind.as_deref().and_then(ConsentKind::from_name);
    if kind.is_none() {
        problems.add("kind", "expected treatment or photo");
    }
    let signer = input.signer_name.as_deref().map(str::trim).unwrap_or("");
    if signer.chars().count() < 2 {
        problems.add("signer_name", "the client types their full name to sign");
    }
    let chosen = scopes(&mut problems, kind, &input.scopes);
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
    let current = ctx
        .store
        .current_consent_template(kind)
        .await?
        .ok_or(AppError::NotFound)?;
    if input.template_id.as_deref() != Some(current.id.as_str()) {
        return Err(AppError::Conflict {
            message: format!(
                "the consent text has changed since it was shown (now version {}); show the client the current text",
                current.version
            ),
        });
    }
    let id = ConsentId::new();
    let audit = ctx.ok(
        actor,
        AuditAction::ConsentSign,
        Some(&client.id),
        format!("consent={id} kind={} version={}", kind.name(), current.version),
    );
    Ok(ctx
        .store
        .add_consent(
            NewConsent {
                id,
                client_id: client.id,
                template_id: current.id,
                scopes: chosen,
                signer_name: signer.to_string(),
                signature_svg: signature.map(str::to_string),
                witness_user_id: witness.id.clone(),
                signed_at: ctx.now(),
            },
            audit,
        )
        .await?)
}

pub async fn list(ctx: &Context, actor: &Actor, client_id: &ClientId) -> AppResult<Vec<Consent>> {
    ctx.authorize(actor, Action::ListConsents).await?;
    crate::clients::load(ctx, client_id).await?;
    let consents = ctx.store.consents_for_client(client_id).await?;
    ctx.audit
        .record_read(ctx.ok(
            actor,
            AuditAction::ConsentList,
            Some(client_id),
            format!("results={}", consents.len()),
        ))
        .await?;
    Ok(consents)
}

pub async fn withdraw(
    ctx: &Context,
    actor: &Actor,
    consent_id: &ConsentId,
    reason: &str,
) -> AppResult<Consent> {
    let by = ctx.staff(actor, Action::WithdrawConsent).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "say why the consent is withdrawn"));
    }
    let consent = ctx.store.consent(consent_id).await?.ok_or(AppError::NotFound)?;
    let audit = ctx.ok(
        actor,
        AuditAction::ConsentWithdraw,
        Some(&consent.client_id),
        format!("consent={consent_id}"),
    );
    ctx.store
        .withdraw_consent(
            ConsentWithdrawal {
                consent_id: consent_id.clone(),
                withdrawn_by: by.id.clone(),
                reason: reason.to_string(),
                withdrawn_at: ctx.now(),
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
