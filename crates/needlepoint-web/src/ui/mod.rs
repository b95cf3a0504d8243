//! Server-rendered pages (maud). They work without JavaScript; `app.js` only adds the zone map's
//! clicks and the drawn signature.

pub mod admin;
pub mod aftercare;
pub mod booking;
pub mod clients;
pub mod clinic;
pub mod consent;
pub mod form;
pub mod intake;
pub mod layout;
pub mod login;
pub mod plan_view;
pub mod room;
pub mod setup;
pub mod zonemap;
