//! What every handler can reach.

use std::sync::Arc;

use needlepoint_domain::protocol::Protocol;
use needlepoint_store::files::{FileStore, NoFileStorage};
use needlepoint_store::{Store, StoreError};

use crate::audit_sink::AuditSink;
use crate::auth::throttle::LoginThrottle;

/// Settings of the web layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout_seconds: i64,
    /// A session ends this long after login, whatever happens.
    pub absolute_timeout_seconds: i64,
    /// The clinic's name, shown in the pages.
    pub clinic_name: String,
    /// How clients reach the clinic about a warning sign, printed on their aftercare.
    pub clinic_phone: Option<String>,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            secure_cookies: false,
            idle_timeout_seconds: 30 * 60,
            absolute_timeout_seconds: 12 * 60 * 60,
            clinic_name: "Needlepoint clinic".into(),
            clinic_phone: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub protocol: Arc<Protocol>,
    pub audit: AuditSink,
    pub config: Arc<WebConfig>,
    /// Photos and other files; none until the server is given a place for them.
    pub files: Arc<dyn FileStore>,
    pub(crate) throttle: Arc<LoginThrottle>,
    pub(crate) sessions: Arc<crate::auth::session_cache::SessionCache>,
}

impl AppState {
    /// Prepares the application: stores the current consent texts and starts the audit writer on
    /// the current Tokio runtime.
    pub async fn start(
        store: Arc<dyn Store>,
        protocol: Arc<Protocol>,
        config: WebConfig,
    ) -> Result<AppState, StoreError> {
        crate::usecases::consents::ensure_templates(store.as_ref(), &protocol).await?;
        Ok(AppState {
            audit: AuditSink::start(store.clone()),
            store,
            protocol,
            config: Arc::new(config),
            files: Arc::new(NoFileStorage),
            throttle: Arc::new(LoginThrottle::default()),
            sessions: Arc::new(crate::auth::session_cache::SessionCache::default()),
        })
    }

    /// Keeps the clinic's files in `files`.
    pub fn with_files(mut self, files: Arc<dyn FileStore>) -> AppState {
        self.files = files;
        self
    }
}
