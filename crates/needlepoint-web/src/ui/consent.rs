//! Consent on the tablet: the exact text, the typed name, an optional drawn signature.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_app::AppError;
use needlepoint_app::consents::{self, SignInput};
use needlepoint_store::{ClientId, ConsentId, ConsentKind, PhotoScope};
use serde::Deserialize;

use crate::extract::Id;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::ui::PageResult;
use crate::ui::form::{Pairs, csrf_field, error_summary, field_error};
use crate::ui::layout::page;

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    client_id: &ClientId,
    kind: ConsentKind,
    error: Option<&AppError>,
) -> PageResult<Markup> {
    let client = state
        .app
        .store
        .client(client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let template = consents::current_template(&state.app, &user.actor, kind).await?;
    Ok(page(
        &template.title,
        Some(user),
        html! {
            p { "For " (client.fields.full_name()) ", born " (client.fields.birth_date) ". Text version " (template.version) "." }
            (error_summary(error))
            div.consent-text tabindex="0" aria-label="Consent text" { @for para in template.body.split("\n\n") { p { (para) } } }
            form.card method="post" action=(format!("/clients/{client_id}/consents")) {
                (csrf_field(user))
                input type="hidden" name="kind" value=(kind.name());
                input type="hidden" name="template_id" value=(template.id);
                @if kind == ConsentKind::Photo {
                    fieldset { legend { "I agree to these uses" }
                        @for scope in PhotoScope::ALL { label.choice { input type="checkbox" name="scopes" value=(scope.name()); " " (scope.label()) } }
                        (field_error(error, "scopes")) }
                }
                label for="signer_name" { "Client: type your full name to sign" }
                input #signer_name name="signer_name" required autocomplete="off";
                (field_error(error, "signer_name"))
                div.signature {
                    p #sig-label { "Optional: sign with your finger" }
                    canvas.signature-pad width="600" height="160" aria-labelledby="sig-label" {}
                    input type="hidden" name="signature_path" value="";
                    button.secondary.clear-signature type="button" { "Clear" }
                }
                p { "Witnessed by " (user.user().email) "." }
                button.primary type="submit" { "Sign" }
            }
        },
    ))
}

fn kind_of(name: Option<&str>) -> Result<ConsentKind, AppError> {
    name.and_then(ConsentKind::from_name)
        .ok_or_else(|| AppError::field("kind", "expected treatment or photo"))
}

pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
    Query(q): Query<KindQuery>,
) -> PageResult<Markup> {
    render(&state, &user, &id, kind_of(q.kind.as_deref())?, None).await
}

pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ClientId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let input = SignInput {
        kind: pairs.text("kind"),
        template_id: pairs.text("template_id"),
        signer_name: pairs.text("signer_name"),
        scopes: pairs.all("scopes"),
        signature_path: pairs.text("signature_path"),
    };
    match consents::sign(&state.app, &user.actor, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{id}#consent-h")).into_response()),
        Err(error @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let kind = kind_of(input.kind.as_deref())?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&state, &user, &id, kind, Some(&error)).await?,
            )
                .into_response())
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<ConsentId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let reason = pairs.text("reason").unwrap_or_default();
    let consent = consents::withdraw(&state.app, &user.actor, &id, &reason).await?;
    Ok(Redirect::to(&format!("/clients/{}#consent-h", consent.client_id)).into_response())
}
