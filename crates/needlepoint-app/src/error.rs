//! One error for every use case: a stable code, a sentence for people, the fields at fault. No
//! HTTP status: each edge (the web, the command line) maps it once.

use std::collections::BTreeMap;

use needlepoint_store::StoreError;

#[derive(Clone, Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign in to continue")]
    Unauthenticated,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Someone changed the record first, or a uniqueness rule holds.
    #[error("{message}")]
    Conflict { message: String },
    /// Input that cannot be used: each field path with its problem.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: BTreeMap<String, String>,
    },
    /// The record is signed (or otherwise past changing); corrections are amendments.
    #[error("{message}")]
    Frozen { message: String },
    /// A booking overlaps others; each entry names what is taken and when.
    #[error("that time is taken: {}", clashes.join("; "))]
    Clash { clashes: Vec<String> },
    #[error("too many failed attempts; try again in {retry_after_seconds} seconds")]
    Throttled { retry_after_seconds: u64 },
    #[error("the clinic's database is busy; nothing was saved, please try again")]
    Busy,
    /// Something failed on our side; the detail is for the log, never for the person.
    #[error("something went wrong on our side; nothing was saved")]
    Internal(String),
}

impl AppError {
    pub fn invalid(message: impl Into<String>, fields: BTreeMap<String, String>) -> AppError {
        AppError::Invalid {
            message: message.into(),
            fields,
        }
    }

    /// One field's problem.
    pub fn field(path: &str, problem: impl Into<String>) -> AppError {
        AppError::invalid(
            "the input cannot be used",
            BTreeMap::from([(path.to_string(), problem.into())]),
        )
    }

    pub fn internal(detail: impl std::fmt::Display) -> AppError {
        AppError::Internal(detail.to_string())
    }

    /// A stable snake_case code: part of the API, never reworded.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "version_conflict",
            AppError::Clash { .. } => "booking_clash",
            AppError::Frozen { .. } => "record_locked",
            AppError::Invalid { .. } => "invalid_input",
            AppError::Throttled { .. } => "too_many_attempts",
            AppError::Busy => "busy",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// Field path → problem.
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            AppError::Invalid { fields, .. } => fields.clone(),
            AppError::Clash { clashes } => BTreeMap::from([("starts_at".to_string(), clashes.join("; "))]),
            _ => BTreeMap::new(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { current } => AppError::Conflict {
                message: format!(
                    "someone else changed this record while you were editing it (it is now at version {current}); reload to see their changes, then apply yours again"
                ),
            },
            StoreError::Duplicate(message) => AppError::Conflict { message },
            StoreError::Clash(clashes) => AppError::Clash { clashes },
            StoreError::Frozen(message) => AppError::Frozen { message },
            StoreError::Busy(detail) => {
                tracing::warn!(%detail, "write gave up after retries");
                AppError::Busy
            }
            StoreError::Backend(detail) => AppError::Internal(detail),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Collects field problems; `finish` turns any into one invalid-input error.
#[derive(Default, Debug)]
pub struct Problems(BTreeMap<String, String>);

impl Problems {
    /// Records a field's first problem.
    pub fn add(&mut self, path: &str, problem: impl Into<String>) {
        self.0.entry(path.to_string()).or_insert_with(|| problem.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid("some fields need attention", self.0))
        }
    }
}
