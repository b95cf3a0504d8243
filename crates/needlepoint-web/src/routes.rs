//! Every route, who may use it, and the middleware around them. `ROUTES` is the inventory the
//! role tests walk: a route added to the router must be added here too.

use axum::Router;
use axum::routing::{get, post, put};
use needlepoint_store::Role;

use crate::state::AppState;
use crate::{api, assets, middleware, ui};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// No session needed: login, set-up, health, static assets.
    Public,
    /// Any signed-in role.
    Staff,
    /// Owner and practitioner: clinical data.
    Clinical,
    /// Owner only: users, audit log.
    Owner,
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::Staff => true,
            Access::Clinical => role.is_clinical(),
            Access::Owner => role == Role::Owner,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Staff => "needs any staff role",
            Access::Clinical => "needs a clinical role",
            Access::Owner => "needs the owner role",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct RouteSpec {
    pub method: &'static str,
    /// With `{id}` for path parameters.
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> RouteSpec {
    RouteSpec { method, path, access }
}

pub const ROUTES: &[RouteSpec] = &[
    route("GET", "/healthz", Access::Public),
    route("GET", "/readyz", Access::Public),
    route("GET", "/static/app.css", Access::Public),
    route("GET", "/static/app.js", Access::Public),
    route("GET", "/login", Access::Public),
    route("POST", "/login", Access::Public),
    route("GET", "/setup/{id}", Access::Public),
    route("POST", "/setup/{id}", Access::Public),
    route("POST", "/api/v1/session", Access::Public),
    route("POST", "/logout", Access::Staff),
    route("DELETE", "/api/v1/session", Access::Staff),
    route("GET", "/", Access::Staff),
    route("GET", "/clients", Access::Staff),
    route("GET", "/clients/new", Access::Staff),
    route("POST", "/clients", Access::Staff),
    route("GET", "/clients/{id}", Access::Staff),
    route("GET", "/clients/{id}/edit", Access::Staff),
    route("POST", "/clients/{id}/edit", Access::Staff),
    route("POST", "/clients/{id}/archive", Access::Staff),
    route("GET", "/clients/{id}/intakes/new", Access::Clinical),
    route("POST", "/clients/{id}/intakes", Access::Clinical),
    route("GET", "/intakes/{id}", Access::Clinical),
    route("POST", "/intakes/{id}/depth", Access::Clinical),
    route("GET", "/clients/{id}/consents/new", Access::Clinical),
    route("POST", "/clients/{id}/consents", Access::Clinical),
    route("POST", "/consents/{id}/withdraw", Access::Clinical),
    route("GET", "/aftercare/{id}", Access::Public),
    route("GET", "/calendar", Access::Staff),
    route("GET", "/clients/{id}/book", Access::Staff),
    route("POST", "/appointments", Access::Staff),
    route("GET", "/appointments/{id}", Access::Staff),
    route("POST", "/appointments/{id}/check-in", Access::Staff),
    route("POST", "/appointments/{id}/cancel", Access::Staff),
    route("POST", "/appointments/{id}/no-show", Access::Staff),
    route("POST", "/appointments/{id}/reschedule", Access::Staff),
    route("GET", "/charts/{id}", Access::Clinical),
    route("POST", "/charts/{id}", Access::Clinical),
    route("POST", "/charts/{id}/sign", Access::Clinical),
    route("POST", "/charts/{id}/cosign", Access::Clinical),
    route("POST", "/charts/{id}/amendments", Access::Clinical),
    route("POST", "/charts/{id}/aftercare-link", Access::Clinical),
    route("GET", "/lots", Access::Clinical),
    route("GET", "/clinic", Access::Owner),
    route("POST", "/clinic/licences", Access::Owner),
    route("POST", "/clinic/rooms", Access::Owner),
    route("POST", "/clinic/devices", Access::Owner),
    route("POST", "/clinic/formulary", Access::Owner),
    route("POST", "/clinic/hours", Access::Owner),
    route("GET", "/charts/{id}/aftercare", Access::Clinical),
    route("GET", "/audit", Access::Owner),
    route("GET", "/users", Access::Owner),
    route("POST", "/users", Access::Owner),
    route("GET", "/api/v1/openapi.json", Access::Staff),
    route("GET", "/api/v1/clients", Access::Staff),
    route("POST", "/api/v1/clients", Access::Staff),
    route("GET", "/api/v1/clients/{id}", Access::Staff),
    route("PUT", "/api/v1/clients/{id}", Access::Staff),
    route("POST", "/api/v1/clients/{id}/archive", Access::Staff),
    route("GET", "/api/v1/clients/{id}/intakes", Access::Clinical),
    route("POST", "/api/v1/clients/{id}/intakes", Access::Clinical),
    route("GET", "/api/v1/intakes/{id}", Access::Clinical),
    route("POST", "/api/v1/intakes/{id}/depth-overrides", Access::Clinical),
    route("GET", "/api/v1/consent-templates/{id}", Access::Clinical),
    route("GET", "/api/v1/clients/{id}/consents", Access::Clinical),
    route("POST", "/api/v1/clients/{id}/consents", Access::Clinical),
    route("POST", "/api/v1/consents/{id}/withdraw", Access::Clinical),
    route("GET", "/api/v1/audit", Access::Owner),
    route("GET", "/api/v1/audit/verify", Access::Owner),
    route("GET", "/api/v1/users", Access::Owner),
    route("POST", "/api/v1/users", Access::Owner),
    route("GET", "/api/v1/practitioners", Access::Staff),
    route("PUT", "/api/v1/practitioners/{id}/licence", Access::Owner),
    route("GET", "/api/v1/rooms", Access::Staff),
    route("POST", "/api/v1/rooms", Access::Owner),
    route("GET", "/api/v1/devices", Access::Staff),
    route("POST", "/api/v1/devices", Access::Owner),
    route("GET", "/api/v1/formulary", Access::Staff),
    route("POST", "/api/v1/formulary", Access::Owner),
    route("GET", "/api/v1/settings/opening-hours", Access::Staff),
    route("PUT", "/api/v1/settings/opening-hours", Access::Owner),
    route("POST", "/api/v1/appointments", Access::Staff),
    route("GET", "/api/v1/appointments/{id}", Access::Staff),
    route("POST", "/api/v1/appointments/{id}/cancel", Access::Staff),
    route("POST", "/api/v1/appointments/{id}/no-show", Access::Staff),
    route("POST", "/api/v1/appointments/{id}/reschedule", Access::Staff),
    route("POST", "/api/v1/appointments/{id}/check-in", Access::Staff),
    route("POST", "/api/v1/clients/{id}/series-proposals", Access::Staff),
    route("GET", "/api/v1/clients/{id}/series", Access::Staff),
    route("GET", "/api/v1/calendar", Access::Staff),
    route("GET", "/api/v1/charts/{id}", Access::Clinical),
    route("PUT", "/api/v1/charts/{id}", Access::Clinical),
    route("POST", "/api/v1/charts/{id}/cosign", Access::Clinical),
    route("POST", "/api/v1/charts/{id}/sign", Access::Clinical),
    route("POST", "/api/v1/charts/{id}/amendments", Access::Clinical),
    route("GET", "/api/v1/charts/{id}/aftercare", Access::Clinical),
    route("POST", "/api/v1/charts/{id}/aftercare-link", Access::Clinical),
    route("GET", "/api/v1/lots/{id}", Access::Clinical),
    route("GET", "/api/v1/clients/{id}/charts", Access::Clinical),
];

/// The whole application: pages, API and middleware. The single seam for the server and tests.
pub fn app(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(ui::clients::home))
        .route("/login", get(ui::login::form_page).post(ui::login::submit))
        .route("/logout", post(ui::login::logout))
        .route("/setup/{token}", get(ui::setup::page_fn).post(ui::setup::submit))
        .route("/clients", get(ui::clients::list).post(ui::clients::create))
        .route("/clients/new", get(ui::clients::new_form))
        .route("/clients/{id}", get(ui::clients::show))
        .route(
            "/clients/{id}/edit",
            get(ui::clients::edit_form).post(ui::clients::update),
        )
        .route("/clients/{id}/archive", post(ui::clients::archive))
        .route("/clients/{id}/intakes/new", get(ui::intake::form_handler))
        .route("/clients/{id}/intakes", post(ui::intake::submit))
        .route("/intakes/{id}", get(ui::intake::show))
        .route("/intakes/{id}/depth", post(ui::intake::adjust_depth))
        .route("/clients/{id}/consents/new", get(ui::consent::form))
        .route("/clients/{id}/consents", post(ui::consent::submit))
        .route("/consents/{id}/withdraw", post(ui::consent::withdraw))
        .route("/aftercare/{token}", get(ui::aftercare::by_link))
        .route("/calendar", get(ui::booking::calendar))
        .route("/clients/{id}/book", get(ui::booking::book_page))
        .route("/appointments", post(ui::booking::book))
        .route("/appointments/{id}", get(ui::booking::appointment))
        .route("/appointments/{id}/check-in", post(ui::booking::check_in))
        .route("/appointments/{id}/cancel", post(ui::booking::cancel))
        .route("/appointments/{id}/no-show", post(ui::booking::no_show))
        .route("/appointments/{id}/reschedule", post(ui::booking::reschedule))
        .route("/charts/{id}", get(ui::room::show).post(ui::room::save))
        .route("/charts/{id}/sign", post(ui::room::sign))
        .route("/charts/{id}/cosign", post(ui::room::cosign))
        .route("/charts/{id}/amendments", post(ui::room::amend))
        .route("/charts/{id}/aftercare-link", post(ui::room::link))
        .route("/lots", get(ui::room::lots))
        .route("/clinic", get(ui::clinic::show))
        .route("/clinic/licences", post(ui::clinic::licence))
        .route("/clinic/rooms", post(ui::clinic::room))
        .route("/clinic/devices", post(ui::clinic::device))
        .route("/clinic/formulary", post(ui::clinic::formulary))
        .route("/clinic/hours", post(ui::clinic::hours))
        .route("/charts/{id}/aftercare", get(ui::aftercare::print))
        .route("/audit", get(ui::admin::audit))
        .route("/users", get(ui::admin::users).post(ui::admin::add_user));
    let api = Router::new()
        .route("/session", post(api::session::login).delete(api::session::logout))
        .route("/openapi.json", get(api::openapi::document))
        .route("/clients", get(api::clients::search).post(api::clients::create))
        .route("/clients/{id}", get(api::clients::get).put(api::clients::update))
        .route("/clients/{id}/archive", post(api::clients::archive))
        .route(
            "/clients/{id}/intakes",
            get(api::intakes::list).post(api::intakes::create),
        )
        .route("/intakes/{id}", get(api::intakes::get))
        .route(
            "/intakes/{id}/depth-overrides",
            post(api::intakes::override_depth),
        )
        .route("/consent-templates/{kind}", get(api::consents::template))
        .route(
            "/clients/{id}/consents",
            get(api::consents::list).post(api::consents::create),
        )
        .route("/consents/{id}/withdraw", post(api::consents::withdraw))
        .route("/audit", get(api::admin::audit))
        .route("/audit/verify", get(api::admin::verify))
        .route("/users", get(api::admin::users).post(api::admin::add_user))
        .route("/practitioners", get(api::resources::practitioners))
        .route("/practitioners/{id}/licence", put(api::resources::set_licence))
        .route(
            "/rooms",
            get(api::resources::rooms).post(api::resources::create_room),
        )
        .route(
            "/devices",
            get(api::resources::devices).post(api::resources::create_device),
        )
        .route(
            "/formulary",
            get(api::resources::formulary).post(api::resources::add_formulary_item),
        )
        .route(
            "/settings/opening-hours",
            get(api::resources::opening_hours).put(api::resources::set_opening_hours),
        )
        .route("/appointments", post(api::booking::book))
        .route("/appointments/{id}", get(api::booking::get))
        .route("/appointments/{id}/cancel", post(api::booking::cancel))
        .route("/appointments/{id}/no-show", post(api::booking::no_show))
        .route("/appointments/{id}/reschedule", post(api::booking::reschedule))
        .route("/appointments/{id}/check-in", post(api::room::check_in))
        .route("/clients/{id}/series-proposals", post(api::booking::propose))
        .route("/clients/{id}/series", get(api::booking::series))
        .route("/calendar", get(api::booking::calendar))
        .route("/charts/{id}", get(api::room::get).put(api::room::save))
        .route("/charts/{id}/cosign", post(api::room::cosign))
        .route("/charts/{id}/sign", post(api::room::sign))
        .route("/charts/{id}/amendments", post(api::room::amend))
        .route("/charts/{id}/aftercare", get(api::room::aftercare))
        .route("/charts/{id}/aftercare-link", post(api::room::aftercare_link))
        .route("/lots/{lot}", get(api::room::lot))
        .route("/clients/{id}/charts", get(api::room::history))
        .fallback(api::not_found);
    let health = Router::new()
        .route("/healthz", get(api::health::alive))
        .route("/readyz", get(api::health::ready))
        .route("/static/{file}", get(assets::serve));
    let router = Router::new()
        .merge(pages)
        .merge(health)
        .nest("/api/v1", api)
        .fallback(ui::layout::not_found)
        .with_state(state);
    middleware::apply(router)
}
