//! Who is asking, and may they.

pub mod access;
pub mod csrf;
pub mod password;
pub mod session;
pub mod session_cache;
pub mod throttle;

pub use session::CurrentUser;
