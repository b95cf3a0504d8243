//! Every route, once: its method, its path, the action of the clinic it performs and its handler.
//! The router, the role table the tests walk (`ROUTES`) and the guard in front of every handler
//! all come from this one table; the OpenAPI document is checked against it by a test.
//!
//! The guard runs before any body is read: it finds the session (401 without one, unless the
//! action is public), asks the application whether the actor may do the route's action (403,
//! recorded in the audit log, when not), and hands the handler the signed-in person.

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use needlepoint_app::{Action, Actor};

use crate::session::{self, CurrentUser};
use crate::state::AppState;
use crate::{api, assets, ui};

/// One route of the table.
#[derive(Clone, Copy, Debug)]
pub struct RouteSpec {
    pub method: &'static str,
    /// With `{id}` for path parameters.
    pub path: &'static str,
    /// What the route does; its access is `action.access()`.
    pub action: Action,
}

macro_rules! method_router {
    (GET, $handler:path) => {
        axum::routing::get($handler)
    };
    (POST, $handler:path) => {
        axum::routing::post($handler)
    };
    (PUT, $handler:path) => {
        axum::routing::put($handler)
    };
    (DELETE, $handler:path) => {
        axum::routing::delete($handler)
    };
}

macro_rules! routes {
    ($($method:ident $path:literal $action:ident => $handler:path;)*) => {
        /// The whole table, in the order of the router.
        pub const ROUTES: &[RouteSpec] = &[
            $(RouteSpec { method: stringify!($method), path: $path, action: Action::$action },)*
        ];

        fn table(state: &AppState) -> Router<AppState> {
            let router = Router::new();
            $(
                let router = router.route(
                    $path,
                    method_router!($method, $handler)
                        .route_layer(from_fn_with_state(Guard { state: state.clone(), action: Action::$action }, guard)),
                );
            )*
            router
        }
    };
}

routes! {
    GET "/healthz" SeeHealth => api::health::alive;
    GET "/readyz" SeeHealth => api::health::ready;
    GET "/static/{file}" SeeHealth => assets::serve;
    GET "/login" SignIn => ui::login::form_page;
    POST "/login" SignIn => ui::login::submit;
    GET "/setup/{token}" SetUp => ui::setup::form_page;
    POST "/setup/{token}" SetUp => ui::setup::submit;
    POST "/api/v1/session" SignIn => api::session::login;
    POST "/logout" SignOut => ui::login::logout;
    DELETE "/api/v1/session" SignOut => api::session::logout;
    GET "/" SeeHome => ui::clients::home;
    GET "/clients" SearchClients => ui::clients::list;
    GET "/clients/new" CreateClient => ui::clients::new_form;
    POST "/clients" CreateClient => ui::clients::create;
    GET "/clients/{id}" ReadClient => ui::clients::show;
    GET "/clients/{id}/edit" UpdateClient => ui::clients::edit_form;
    POST "/clients/{id}/edit" UpdateClient => ui::clients::update;
    POST "/clients/{id}/archive" ArchiveClient => ui::clients::archive;
    GET "/clients/{id}/intakes/new" TakeIntake => ui::intake::form_handler;
    POST "/clients/{id}/intakes" TakeIntake => ui::intake::submit;
    GET "/intakes/{id}" ReadIntake => ui::intake::show;
    POST "/intakes/{id}/depth" AdjustDepth => ui::intake::adjust_depth;
    GET "/clients/{id}/consents/new" SignConsent => ui::consent::form;
    POST "/clients/{id}/consents" SignConsent => ui::consent::submit;
    POST "/consents/{id}/withdraw" WithdrawConsent => ui::consent::withdraw;
    GET "/aftercare/{token}" ReadAftercareByLink => ui::aftercare::by_link;
    GET "/calendar" ReadCalendar => ui::booking::calendar;
    GET "/clients/{id}/book" Book => ui::booking::book_page;
    POST "/appointments" Book => ui::booking::book;
    GET "/appointments/{id}" ReadAppointment => ui::booking::appointment;
    POST "/appointments/{id}/check-in" CheckIn => ui::booking::check_in;
    POST "/appointments/{id}/cancel" ChangeAppointment => ui::booking::cancel;
    POST "/appointments/{id}/no-show" ChangeAppointment => ui::booking::no_show;
    POST "/appointments/{id}/reschedule" ChangeAppointment => ui::booking::reschedule;
    GET "/charts/{id}" ReadChart => ui::room::show;
    POST "/charts/{id}" SaveChart => ui::room::save;
    POST "/charts/{id}/sign" SignChart => ui::room::sign;
    POST "/charts/{id}/cosign" CosignChart => ui::room::cosign;
    POST "/charts/{id}/amendments" AmendChart => ui::room::amend;
    POST "/charts/{id}/aftercare-link" MakeAftercareLink => ui::room::link;
    GET "/charts/{id}/aftercare" ReadAftercare => ui::aftercare::print;
    GET "/lots" TraceLot => ui::room::lots;
    GET "/clinic" ManageClinic => ui::clinic::show;
    POST "/clinic/settings" ManageClinic => ui::clinic::settings;
    POST "/clinic/licences" ManageClinic => ui::clinic::licence;
    POST "/clinic/rooms" ManageClinic => ui::clinic::room;
    POST "/clinic/devices" ManageClinic => ui::clinic::device;
    POST "/clinic/formulary" ManageClinic => ui::clinic::formulary;
    POST "/clinic/hours" ManageClinic => ui::clinic::hours;
    GET "/audit" ReadAudit => ui::admin::audit;
    GET "/users" ListUsers => ui::admin::users;
    POST "/users" CreateUser => ui::admin::add_user;
    GET "/api/v1/openapi.json" ReadApiDescription => api::openapi::document;
    GET "/api/v1/clients" SearchClients => api::clients::search;
    POST "/api/v1/clients" CreateClient => api::clients::create;
    GET "/api/v1/clients/{id}" ReadClient => api::clients::get;
    PUT "/api/v1/clients/{id}" UpdateClient => api::clients::update;
    POST "/api/v1/clients/{id}/archive" ArchiveClient => api::clients::archive;
    GET "/api/v1/clients/{id}/intakes" ListIntakes => api::intakes::list;
    POST "/api/v1/clients/{id}/intakes" TakeIntake => api::intakes::create;
    GET "/api/v1/intakes/{id}" ReadIntake => api::intakes::get;
    POST "/api/v1/intakes/{id}/depth-overrides" AdjustDepth => api::intakes::override_depth;
    GET "/api/v1/consent-templates/{kind}" ReadConsentText => api::consents::template;
    GET "/api/v1/clients/{id}/consents" ListConsents => api::consents::list;
    POST "/api/v1/clients/{id}/consents" SignConsent => api::consents::create;
    POST "/api/v1/consents/{id}/withdraw" WithdrawConsent => api::consents::withdraw;
    GET "/api/v1/audit" ReadAudit => api::admin::audit;
    GET "/api/v1/audit/verify" VerifyAudit => api::admin::verify;
    GET "/api/v1/users" ListUsers => api::admin::users;
    POST "/api/v1/users" CreateUser => api::admin::add_user;
    GET "/api/v1/practitioners" ListResources => api::resources::practitioners;
    PUT "/api/v1/practitioners/{id}/licence" ManageClinic => api::resources::set_licence;
    GET "/api/v1/rooms" ListResources => api::resources::rooms;
    POST "/api/v1/rooms" ManageClinic => api::resources::create_room;
    GET "/api/v1/devices" ListResources => api::resources::devices;
    POST "/api/v1/devices" ManageClinic => api::resources::create_device;
    GET "/api/v1/formulary" ListResources => api::resources::formulary;
    POST "/api/v1/formulary" ManageClinic => api::resources::add_formulary_item;
    GET "/api/v1/settings/opening-hours" ListResources => api::resources::opening_hours;
    PUT "/api/v1/settings/opening-hours" ManageClinic => api::resources::set_opening_hours;
    GET "/api/v1/settings/clinic" ListResources => api::resources::clinic_settings;
    PUT "/api/v1/settings/clinic" ManageClinic => api::resources::set_clinic_settings;
    POST "/api/v1/appointments" Book => api::booking::book;
    GET "/api/v1/appointments/{id}" ReadAppointment => api::booking::get;
    POST "/api/v1/appointments/{id}/cancel" ChangeAppointment => api::booking::cancel;
    POST "/api/v1/appointments/{id}/no-show" ChangeAppointment => api::booking::no_show;
    POST "/api/v1/appointments/{id}/reschedule" ChangeAppointment => api::booking::reschedule;
    POST "/api/v1/appointments/{id}/check-in" CheckIn => api::room::check_in;
    POST "/api/v1/clients/{id}/series-proposals" ProposeSeries => api::booking::propose;
    GET "/api/v1/clients/{id}/series" ReadSeries => api::booking::series;
    GET "/api/v1/calendar" ReadCalendar => api::booking::calendar;
    GET "/api/v1/charts/{id}" ReadChart => api::room::get;
    PUT "/api/v1/charts/{id}" SaveChart => api::room::save;
    POST "/api/v1/charts/{id}/cosign" CosignChart => api::room::cosign;
    POST "/api/v1/charts/{id}/sign" SignChart => api::room::sign;
    POST "/api/v1/charts/{id}/amendments" AmendChart => api::room::amend;
    GET "/api/v1/charts/{id}/aftercare" ReadAftercare => api::room::aftercare;
    POST "/api/v1/charts/{id}/aftercare-link" MakeAftercareLink => api::room::aftercare_link;
    GET "/api/v1/lots/{lot}" TraceLot => api::room::lot;
    GET "/api/v1/clients/{id}/charts" ReadTreatmentHistory => api::room::history;
}

/// What the guard of one route knows.
#[derive(Clone)]
struct Guard {
    state: AppState,
    action: Action,
}

async fn guard(State(guard): State<Guard>, mut request: Request, next: Next) -> Response {
    let session = match session::from_headers(&guard.state, request.headers()).await {
        Ok(session) => session,
        Err(error) => return error.into_response(),
    };
    let actor = session.as_ref().map_or(Actor::Anonymous, |s| s.actor());
    if let Err(error) = guard.state.app.authorize(&actor, guard.action).await {
        return crate::error::WebError::from(error).into_response();
    }
    if let Some(session) = session {
        request.extensions_mut().insert(CurrentUser { actor, session });
    }
    next.run(request).await
}

/// The whole application: the table, the fallbacks and the middleware. The single seam for the
/// server and the tests.
pub fn app(state: AppState) -> Router {
    let router = table(&state)
        .fallback(ui::errors::not_found)
        .with_state(state.clone());
    crate::middleware::apply(router, &state)
}
