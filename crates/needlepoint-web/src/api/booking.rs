//! The appointment book: bookings, series proposals, the calendar and changes of plan.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use needlepoint_app::booking::{
    self, Booked, BookingInput, Calendar, CalendarQuery, ProposalInput, RescheduleInput, SeriesProposal,
    SeriesView, StatusInput,
};
use needlepoint_store::{Appointment, AppointmentId, AppointmentStatus, ClientId};

use super::ApiResult;
use crate::extract::{Id, JsonBody};
use crate::session::CurrentUser;
use crate::state::AppState;

#[utoipa::path(post, path = "/api/v1/appointments", request_body = BookingInput,
    responses((status = 201, body = Booked),
              (status = 409, body = crate::error::ErrorBody, description = "The practitioner, room or device is taken (`booking_clash`)"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn book(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<BookingInput>,
) -> ApiResult<(StatusCode, Json<Booked>)> {
    Ok((
        StatusCode::CREATED,
        Json(booking::book(&state.app, &user.actor, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Appointment), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(booking::read(&state.app, &user.actor, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/series-proposals", params(("id" = String, Path)), request_body = ProposalInput,
    responses((status = 200, body = SeriesProposal),
              (status = 409, body = crate::error::ErrorBody, description = "A session of the series cannot fit"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn propose(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(client_id): Id<ClientId>,
    JsonBody(input): JsonBody<ProposalInput>,
) -> ApiResult<Json<SeriesProposal>> {
    Ok(Json(
        booking::propose_series(&state.app, &user.actor, &client_id, &input).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/series", params(("id" = String, Path)),
    responses((status = 200, body = SeriesView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn series(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(client_id): Id<ClientId>,
) -> ApiResult<Json<SeriesView>> {
    Ok(Json(booking::series(&state.app, &user.actor, &client_id).await?))
}

#[utoipa::path(get, path = "/api/v1/calendar", params(CalendarQuery), responses((status = 200, body = Calendar)))]
pub async fn calendar(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<CalendarQuery>,
) -> ApiResult<Json<Calendar>> {
    Ok(Json(booking::calendar(&state.app, &user.actor, &query).await?))
}

async fn set_status(
    state: AppState,
    user: CurrentUser,
    id: AppointmentId,
    status: AppointmentStatus,
    input: StatusInput,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(
        booking::set_status(&state.app, &user.actor, &id, status, &input).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel", params(("id" = String, Path)), request_body = StatusInput,
    responses((status = 200, body = Appointment), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
    JsonBody(input): JsonBody<StatusInput>,
) -> ApiResult<Json<Appointment>> {
    set_status(state, user, id, AppointmentStatus::Cancelled, input).await
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/no-show", params(("id" = String, Path)), request_body = StatusInput,
    responses((status = 200, body = Appointment), (status = 409, body = crate::error::ErrorBody)))]
pub async fn no_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
    JsonBody(input): JsonBody<StatusInput>,
) -> ApiResult<Json<Appointment>> {
    set_status(state, user, id, AppointmentStatus::NoShow, input).await
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/reschedule", params(("id" = String, Path)), request_body = RescheduleInput,
    responses((status = 200, body = Appointment), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id<AppointmentId>,
    JsonBody(input): JsonBody<RescheduleInput>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(
        booking::reschedule(&state.app, &user.actor, &id, &input).await?,
    ))
}
