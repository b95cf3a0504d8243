//! Clients: never deleted, edited with a version so that two people never overwrite each other.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{ClientId, NewAuditEntry, StoreResult};

/// The editable fields of a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientFields {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Date,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl ClientFields {
    /// "Ana Silva".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Client {
    pub id: ClientId,
    #[serde(flatten)]
    pub fields: ClientFields,
    /// Rises by one with every change; an edit names the version it started from.
    pub version: i64,
    pub archived: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct NewClient {
    pub id: ClientId,
    pub fields: ClientFields,
    pub created_at: Timestamp,
}

/// A client search: free text matched against names, email, phone and date of birth.
#[derive(Clone, Debug, Default)]
pub struct ClientQuery {
    pub text: String,
    pub include_archived: bool,
    pub limit: i64,
}

#[async_trait]
pub trait ClientStore: Send + Sync {
    async fn create_client(&self, client: NewClient, audit: NewAuditEntry) -> StoreResult<Client>;
    async fn client(&self, id: &ClientId) -> StoreResult<Option<Client>>;
    /// Replaces a client's fields if `expected_version` is still current.
    async fn update_client(
        &self,
        id: &ClientId,
        expected_version: i64,
        fields: ClientFields,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<Client>;
    /// Archives (never deletes) a client if `expected_version` is still current.
    async fn archive_client(
        &self,
        id: &ClientId,
        expected_version: i64,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<Client>;
    async fn search_clients(&self, query: &ClientQuery) -> StoreResult<Vec<Client>>;
    async fn count_clients(&self) -> StoreResult<i64>;
}
