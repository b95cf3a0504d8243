//! What every handler can reach: the application and the web's own settings.

use std::sync::Arc;

use needlepoint_app::Context;

/// Settings of the web edge.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// The clinic is served over HTTPS (directly or behind a proxy): cookies are `Secure` with
    /// the `__Host-` prefix, and browsers are told to keep to HTTPS (HSTS).
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub app: Context,
    pub web: Arc<WebConfig>,
}

impl AppState {
    pub fn new(app: Context, web: WebConfig) -> AppState {
        AppState {
            app,
            web: Arc::new(web),
        }
    }
}
