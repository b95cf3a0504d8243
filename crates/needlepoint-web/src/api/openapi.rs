//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use crate::session::CurrentUser;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Needlepoint API",
        description = "Clients, intake, screening and plans, consent, the appointment book, the treatment-room chart, aftercare, lot traceability and audit for a microneedling clinic."
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
        super::resources::practitioners,
        super::resources::set_licence,
        super::resources::rooms,
        super::resources::create_room,
        super::resources::devices,
        super::resources::create_device,
        super::resources::formulary,
        super::resources::add_formulary_item,
        super::resources::opening_hours,
        super::resources::set_opening_hours,
        super::resources::clinic_settings,
        super::resources::set_clinic_settings,
        super::booking::book,
        super::booking::get,
        super::booking::propose,
        super::booking::series,
        super::booking::calendar,
        super::booking::cancel,
        super::booking::no_show,
        super::booking::reschedule,
        super::room::check_in,
        super::room::get,
        super::room::save,
        super::room::cosign,
        super::room::sign,
        super::room::amend,
        super::room::aftercare,
        super::room::aftercare_link,
        super::room::lot,
        super::room::history,
    ),
    components(schemas(crate::error::ErrorBody))
)]
pub struct ApiDoc;

pub async fn document(_user: CurrentUser) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
