//! The appointment book: bookings, series proposals, the calendar and changes of plan.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use needlepoint_store::{Appointment, AppointmentStatus};

use super::JsonBody;
use crate::auth::access::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::usecases::booking::{
    self, Booked, BookingInput, Calendar, CalendarQuery, ProposalInput, RescheduleInput, SeriesProposal,
    SeriesView, StatusInput,
};

pub fn clinic_today() -> jiff::civil::Date {
    jiff::ZonedDateTime::now().date()
}

#[utoipa::path(post, path = "/api/v1/appointments", request_body = BookingInput,
    responses((status = 201, body = Booked),
              (status = 409, body = crate::error::ErrorBody, description = "The practitioner, room or device is taken (`booking_clash`)"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn book(
    State(state): State<AppState>,
    Staff(user): Staff,
    JsonBody(input): JsonBody<BookingInput>,
) -> Result<(StatusCode, Json<Booked>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(booking::book(&state, &user, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> Result<Json<Appointment>, AppError> {
    let appointment = state.store.appointment(&id).await?.ok_or(AppError::NotFound)?;
    state
        .audit
        .record_read(user.audit_entry(
            "appointment.read",
            "ok",
            Some(&appointment.client_id),
            format!("appointment={id}"),
        ))
        .await?;
    Ok(Json(appointment))
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/series-proposals", params(("id" = String, Path)), request_body = ProposalInput,
    responses((status = 200, body = SeriesProposal),
              (status = 409, body = crate::error::ErrorBody, description = "A session of the series cannot fit"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn propose(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(client_id): Path<String>,
    JsonBody(input): JsonBody<ProposalInput>,
) -> Result<Json<SeriesProposal>, AppError> {
    let proposal = booking::propose_series(&state, &client_id, &input, clinic_today()).await?;
    state
        .audit
        .record_read(user.audit_entry(
            "series.propose",
            "ok",
            Some(&client_id),
            format!("proposals={}", proposal.proposals.len()),
        ))
        .await?;
    Ok(Json(proposal))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/series", params(("id" = String, Path)),
    responses((status = 200, body = SeriesView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn series(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(client_id): Path<String>,
) -> Result<Json<SeriesView>, AppError> {
    let view = booking::series(&state, &client_id).await?;
    state
        .audit
        .record_read(user.audit_entry("series.read", "ok", Some(&client_id), ""))
        .await?;
    Ok(Json(view))
}

#[utoipa::path(get, path = "/api/v1/calendar", params(CalendarQuery), responses((status = 200, body = Calendar)))]
pub async fn calendar(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(query): Query<CalendarQuery>,
) -> Result<Json<Calendar>, AppError> {
    let calendar = booking::calendar(&state, &query, clinic_today()).await?;
    state
        .audit
        .record_read(user.audit_entry(
            "calendar.read",
            "ok",
            None,
            format!("from={} days={}", calendar.from, calendar.days),
        ))
        .await?;
    Ok(Json(calendar))
}

async fn set_status(
    state: AppState,
    user: crate::auth::CurrentUser,
    id: String,
    status: AppointmentStatus,
    input: StatusInput,
) -> Result<Json<Appointment>, AppError> {
    Ok(Json(
        booking::set_status(&state, &user, &id, status, &input).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel", params(("id" = String, Path)), request_body = StatusInput,
    responses((status = 200, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<StatusInput>,
) -> Result<Json<Appointment>, AppError> {
    set_status(state, user, id, AppointmentStatus::Cancelled, input).await
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/no-show", params(("id" = String, Path)), request_body = StatusInput,
    responses((status = 200, body = Object), (status = 409, body = crate::error::ErrorBody)))]
pub async fn no_show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<StatusInput>,
) -> Result<Json<Appointment>, AppError> {
    set_status(state, user, id, AppointmentStatus::NoShow, input).await
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/reschedule", params(("id" = String, Path)), request_body = RescheduleInput,
    responses((status = 200, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn reschedule(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<RescheduleInput>,
) -> Result<Json<Appointment>, AppError> {
    Ok(Json(booking::reschedule(&state, &user, &id, &input).await?))
}
