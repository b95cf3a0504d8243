//! Server-rendered pages (maud). They work without JavaScript; `app.js` only adds the zone map's
//! clicks, the drawn signature, the chart's autosave and the dwell timer.

pub mod admin;
pub mod aftercare;
pub mod booking;
pub mod clients;
pub mod clinic;
pub mod consent;
pub mod errors;
pub mod form;
pub mod intake;
pub mod layout;
pub mod login;
pub mod plan_view;
pub mod room;
pub mod setup;
pub mod when;
pub mod zonemap;

/// A page handler's answer: the page, or an error the middleware renders as a page.
pub type PageResult<T> = Result<T, crate::error::WebError>;
