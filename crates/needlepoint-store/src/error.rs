//! What can go wrong in storage, in terms the caller can act on.

/// Everything that can go wrong in storage, in terms the caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Someone else changed the record first: the caller's version is stale.
    #[error("the record was changed by someone else (now at version {current})")]
    Conflict { current: i64 },
    /// A uniqueness rule: e.g. an email already in use.
    #[error("{0}")]
    Duplicate(String),
    /// A booking would overlap others: each entry names what is taken and when.
    #[error("the time is taken: {}", .0.join("; "))]
    Clash(Vec<String>),
    /// The record is signed (or otherwise past changing); corrections are amendments.
    #[error("{0}")]
    Frozen(String),
    /// Concurrent writes kept colliding after every retry; nothing was written and the same
    /// request may simply be sent again.
    #[error("the database is busy with other writes: {0}")]
    Busy(String),
    /// The database failed; the write did not happen.
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// A stored value that does not read as what it should be.
    pub fn corrupt(what: &str, value: &str) -> StoreError {
        StoreError::Backend(format!("stored {what} `{value}` is not valid"))
    }
}
