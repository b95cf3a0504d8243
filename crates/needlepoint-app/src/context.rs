//! What every use case works with: the store, the files, the protocol, the audit sink, the clock
//! and the clinic's configuration. One per server, cheap to clone.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use needlepoint_domain::protocol::Protocol;
use needlepoint_store::files::{FileStore, NoFileStorage};
use needlepoint_store::{AuditAction, AuditOutcome, ClientId, NewAuditEntry, Store, User};

use crate::access::{Action, Actor};
use crate::accounts::sessions::SessionCache;
use crate::accounts::throttle::SignInThrottle;
use crate::audit_sink::AuditSink;
use crate::clock::{Clock, SystemClock};
use crate::error::{AppError, AppResult};

/// How the clinic runs, as the server was started.
#[derive(Clone, Debug)]
pub struct ClinicConfig {
    /// The clinic's name, until the owner sets one in the app.
    pub clinic_name: String,
    /// How clients reach the clinic about a warning sign, until the owner sets it in the app.
    pub clinic_phone: Option<String>,
    /// The clinic's time zone (IANA name), until the owner sets one in the app; the server's own
    /// zone when neither is set.
    pub time_zone: Option<String>,
    /// A session ends after this long without a request.
    pub idle_timeout_seconds: i64,
    /// A session ends this long after sign-in, whatever happens.
    pub absolute_timeout_seconds: i64,
}

impl Default for ClinicConfig {
    fn default() -> ClinicConfig {
        ClinicConfig {
            clinic_name: "Needlepoint clinic".into(),
            clinic_phone: None,
            time_zone: None,
            idle_timeout_seconds: 30 * 60,
            absolute_timeout_seconds: 12 * 60 * 60,
        }
    }
}

#[derive(Clone)]
pub struct Context {
    pub store: Arc<dyn Store>,
    pub files: Arc<dyn FileStore>,
    pub protocol: Arc<Protocol>,
    pub audit: AuditSink,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ClinicConfig>,
    pub(crate) throttle: Arc<SignInThrottle>,
    pub(crate) sessions: Arc<SessionCache>,
}

impl Context {
    /// Prepares the application: stores the current consent texts and starts the audit writer on
    /// the current Tokio runtime.
    pub async fn start(
        store: Arc<dyn Store>,
        protocol: Arc<Protocol>,
        config: ClinicConfig,
    ) -> AppResult<Context> {
        let context = Context {
            audit: AuditSink::start(store.clone()),
            store,
            files: Arc::new(NoFileStorage),
            protocol,
            clock: Arc::new(SystemClock),
            config: Arc::new(config),
            throttle: Arc::new(SignInThrottle::default()),
            sessions: Arc::new(SessionCache::default()),
        };
        crate::consents::ensure_templates(&context).await?;
        Ok(context)
    }

    /// Keeps the clinic's files in `files`.
    pub fn with_files(mut self, files: Arc<dyn FileStore>) -> Context {
        self.files = files;
        self
    }

    /// Reads the time from `clock` (tests set "now" instead of sleeping).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Context {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The clinic's time zone: the owner's choice, the server's setting, or the server's own.
    pub async fn time_zone(&self) -> AppResult<TimeZone> {
        let name = crate::settings::clinic(self).await?.time_zone;
        Ok(match name {
            Some(name) => {
                TimeZone::get(&name).map_err(|e| AppError::Internal(format!("time zone {name}: {e}")))?
            }
            None => TimeZone::system(),
        })
    }

    /// Today, in the clinic.
    pub async fn today(&self) -> AppResult<Date> {
        Ok(self.time_zone().await?.to_datetime(self.now()).date())
    }

    /// Lets `actor` go on with `action`, or refuses (and records the refusal of a signed-in
    /// person in the audit log).
    pub async fn authorize(&self, actor: &Actor, action: Action) -> AppResult<()> {
        if actor.may(action) {
            return Ok(());
        }
        match actor {
            Actor::Anonymous => Err(AppError::Unauthenticated),
            _ => {
                let entry = self.entry(
                    actor,
                    AuditAction::Access,
                    AuditOutcome::Denied,
                    None,
                    format!("{action:?}: {}", action.access().describe()),
                );
                self.audit.record(entry).await?;
                Err(AppError::Forbidden)
            }
        }
    }

    /// The member of staff doing `action`, once allowed.
    pub async fn staff<'a>(&self, actor: &'a Actor, action: Action) -> AppResult<&'a User> {
        self.authorize(actor, action).await?;
        actor.staff().ok_or(AppError::Forbidden)
    }

    /// An audit entry for something `actor` did now.
    pub fn entry(
        &self,
        actor: &Actor,
        action: AuditAction,
        outcome: AuditOutcome,
        client_id: Option<&ClientId>,
        detail: impl Into<String>,
    ) -> NewAuditEntry {
        let (user_id, client_id) = match actor {
            Actor::Staff(user) => (Some(user.id.clone()), client_id.cloned()),
            Actor::Client(own) => (None, Some(client_id.unwrap_or(own).clone())),
            Actor::Anonymous | Actor::Job(_) => (None, client_id.cloned()),
        };
        let detail = match actor {
            Actor::Job(name) => format!("job={name} {}", detail.into()),
            _ => detail.into(),
        };
        NewAuditEntry {
            at: self.now(),
            user_id,
            client_id,
            action,
            outcome,
            detail: detail.trim().to_string(),
        }
    }

    /// The entry of a successful action.
    pub fn ok(
        &self,
        actor: &Actor,
        action: AuditAction,
        client_id: Option<&ClientId>,
        detail: impl Into<String>,
    ) -> NewAuditEntry {
        self.entry(actor, action, AuditOutcome::Ok, client_id, detail)
    }
}
