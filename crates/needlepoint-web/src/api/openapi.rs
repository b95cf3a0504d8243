//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use crate::auth::access::Staff;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Needlepoint API",
        description = "Clients, intake, screening and plans, consent and audit for a microneedling clinic."
    ),
    paths(
        super::session::login,
        super::session::logout,
        super::clients::search,
        super::clients::create,
        super::clients::get,
        super::clients::update,
        super::clients::archive,
        super::intakes::create,
        super::intakes::list,
        super::intakes::get,
        super::intakes::override_depth,
        super::consents::template,
        super::consents::list,
        super::consents::create,
        super::consents::withdraw,
        super::admin::audit,
        super::admin::verify,
        super::admin::users,
        super::admin::add_user,
    ),
    components(schemas(crate::error::ErrorBody))
)]
pub struct ApiDoc;

pub async fn document(_staff: Staff) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
