//! Consent on the tablet: the exact text, the typed name, an optional drawn signature.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use needlepoint_store::{ConsentKind, PHOTO_SCOPES};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::auth::access::Clinical;
use crate::error::{AppError, PageError};
use crate::state::AppState;
use crate::ui::form::{Pairs, csrf_field, error_summary, field_error};
use crate::ui::layout::page;
use crate::usecases::consents::{self, SignInput};

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    client_id: &str,
    kind: ConsentKind,
    error: Option<&AppError>,
) -> Result<Markup, PageError> {
    let client = state.store.client(client_id).await?.ok_or(AppError::NotFound)?;
    let template = consents::current_template(state, kind).await?;
    Ok(page(
        &template.title,
        Some(user),
        html! {
            p { "For " (client.fields.given_name) " " (client.fields.family_name) ", born " (client.fields.birth_date) ". Text version " (template.version) "." }
            (error_summary(error))
            div.consent-text tabindex="0" aria-label="Consent text" { @for para in template.body.split("\n\n") { p { (para) } } }
            form.card method="post" action=(format!("/clients/{client_id}/consents")) {
                (csrf_field(user))
                input type="hidden" name="kind" value=(kind.name());
                input type="hidden" name="template_id" value=(template.id);
                @if kind == ConsentKind::Photo {
                    fieldset { legend { "I agree to these uses" }
                        @for scope in PHOTO_SCOPES { label.choice { input type="checkbox" name="scopes" value=(scope); " " (scope.replace('_', " ")) } }
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
                p { "Witnessed by " (user.user.email) "." }
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
    Clinical(user): Clinical,
    Path(id): Path<String>,
    Query(q): Query<KindQuery>,
) -> Result<Markup, PageError> {
    render(&state, &user, &id, kind_of(q.kind.as_deref())?, None).await
}

pub async fn submit(
    State(state): State<AppState>,
    Clinical(user): Clinical,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let input = SignInput {
        kind: pairs.text("kind"),
        template_id: pairs.text("template_id"),
        signer_name: pairs.text("signer_name"),
        scopes: pairs.all("scopes"),
        signature_path: pairs.text("signature_path"),
    };
    match consents::sign(&state, &user, &id, &input).await {
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
    Clinical(user): Clinical,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let pairs = Pairs(pairs);
    pairs.check_csrf(&user)?;
    let consent = consents::withdraw(&state, &user, &id, &pairs.text("reason").unwrap_or_default()).await?;
    Ok(Redirect::to(&format!("/clients/{}#consent-h", consent.client_id)).into_response())
}
