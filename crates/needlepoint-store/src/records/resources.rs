//! What the owner sets up: practitioners' licences, rooms, devices, the formulary, and the
//! clinic's settings (as JSON under a key).

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{DeviceId, FormularyItemId, NewAuditEntry, RoomId, StoreResult, UserId};

/// What a practitioner's licence allows, as the owner set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Licence {
    pub user_id: UserId,
    pub licence_type: String,
    /// The deepest needle setting the licence allows, in hundredths of a millimetre.
    pub max_depth_hundredths: u32,
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Room {
    pub id: RoomId,
    pub name: String,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Device {
    pub id: DeviceId,
    pub name: String,
    /// A catalogue model or device class of the protocol.
    pub model: String,
    pub serial: String,
    pub min_hundredths: u32,
    pub max_hundredths: u32,
    /// What the device's label limits (zones, indications), in the owner's words.
    pub labelled_limits: String,
    pub last_serviced_on: Option<Date>,
    pub service_due_on: Option<Date>,
    pub created_at: Timestamp,
}

/// What a formulary product is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FormularyUse {
    /// A sterile glide the needles pass through.
    Glide,
    /// A soothing product for after the needling.
    PostProcedure,
}

impl FormularyUse {
    pub const ALL: [FormularyUse; 2] = [FormularyUse::Glide, FormularyUse::PostProcedure];

    pub fn name(self) -> &'static str {
        match self {
            FormularyUse::Glide => "glide",
            FormularyUse::PostProcedure => "post_procedure",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FormularyUse::Glide => "Glide",
            FormularyUse::PostProcedure => "After the needling",
        }
    }

    pub fn from_name(name: &str) -> Option<FormularyUse> {
        FormularyUse::ALL.into_iter().find(|u| u.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormularyItem {
    pub id: FormularyItemId,
    pub name: String,
    #[serde(rename = "use")]
    pub use_for: FormularyUse,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait ResourceStore: Send + Sync {
    async fn set_licence(&self, licence: Licence, audit: NewAuditEntry) -> StoreResult<Licence>;
    async fn licence(&self, user_id: &UserId) -> StoreResult<Option<Licence>>;
    async fn create_room(&self, room: Room, audit: NewAuditEntry) -> StoreResult<Room>;
    async fn rooms(&self) -> StoreResult<Vec<Room>>;
    async fn create_device(&self, device: Device, audit: NewAuditEntry) -> StoreResult<Device>;
    async fn devices(&self) -> StoreResult<Vec<Device>>;
    async fn add_formulary_item(
        &self,
        item: FormularyItem,
        audit: NewAuditEntry,
    ) -> StoreResult<FormularyItem>;
    async fn formulary(&self) -> StoreResult<Vec<FormularyItem>>;
    async fn setting(&self, key: &str) -> StoreResult<Option<serde_json::Value>>;
    async fn set_setting(
        &self,
        key: &str,
        value: serde_json::Value,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
}
