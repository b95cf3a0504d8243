//! The JSON API under `/api/v1`: every operation of the pages, described by
//! `/api/v1/openapi.json`. Each handler reads the request, calls one use case, writes the answer.

pub mod admin;
pub mod booking;
pub mod clients;
pub mod consents;
pub mod health;
pub mod intakes;
pub mod openapi;
pub mod resources;
pub mod room;
pub mod session;

/// An error answer, in the API's shape.
pub type ApiResult<T> = Result<T, crate::error::WebError>;
