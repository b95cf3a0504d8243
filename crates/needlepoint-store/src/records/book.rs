//! The appointment book. A session's time is kept twice: the clinic's wall-clock time (what the
//! desk booked, what the calendar shows) and the instant it stands for (what reminders and
//! exports need), taken from the clinic's time zone when it was booked.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use crate::{AppointmentId, ClientId, DeviceId, IntakeId, NewAuditEntry, RoomId, StoreResult, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AppointmentStatus {
    Booked,
    CheckedIn,
    Done,
    Cancelled,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 5] = [
        AppointmentStatus::Booked,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::Done,
        AppointmentStatus::Cancelled,
        AppointmentStatus::NoShow,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::Done => "done",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "Booked",
            AppointmentStatus::CheckedIn => "Checked in",
            AppointmentStatus::Done => "Done",
            AppointmentStatus::Cancelled => "Cancelled",
            AppointmentStatus::NoShow => "No-show",
        }
    }

    pub fn from_name(name: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the appointment still holds its practitioner, room and device.
    pub fn holds_resources(self) -> bool {
        !matches!(self, AppointmentStatus::Cancelled | AppointmentStatus::NoShow)
    }
}

/// When a session happens: the clinic's wall-clock times and the instants they stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionTime {
    pub starts_at: DateTime,
    pub ends_at: DateTime,
    pub starts_utc: Timestamp,
    pub ends_utc: Timestamp,
    /// Bookings that start after this wall-clock time cannot overlap (no session is longer than
    /// the gap to `starts_at`); it bounds the clash search to an index range.
    pub clash_window_start: DateTime,
}

/// A booking to store.
#[derive(Clone, Debug)]
pub struct NewAppointment {
    pub id: AppointmentId,
    pub client_id: ClientId,
    pub intake_id: IntakeId,
    pub practitioner_id: UserId,
    pub room_id: RoomId,
    pub device_id: DeviceId,
    pub time: SessionTime,
    pub zones: Vec<String>,
    /// Why the session comes earlier than the minimum interval, when it does.
    pub early_reason: Option<String>,
    pub created_by: UserId,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    pub id: AppointmentId,
    pub client_id: ClientId,
    pub intake_id: IntakeId,
    pub practitioner_id: UserId,
    pub room_id: RoomId,
    pub device_id: DeviceId,
    /// The clinic's wall-clock time.
    pub starts_at: DateTime,
    pub ends_at: DateTime,
    /// The instant `starts_at` stands for (absent on bookings made before instants were kept).
    pub starts_utc: Option<Timestamp>,
    pub ends_utc: Option<Timestamp>,
    pub zones: Vec<String>,
    pub status: AppointmentStatus,
    pub status_reason: Option<String>,
    pub early_reason: Option<String>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Which appointments to list: any mix of filters, starting within `[from, to)`.
#[derive(Clone, Debug, Default)]
pub struct AppointmentFilter {
    pub practitioner_id: Option<UserId>,
    pub room_id: Option<RoomId>,
    pub device_id: Option<DeviceId>,
    pub client_id: Option<ClientId>,
    pub from: Option<DateTime>,
    pub to: Option<DateTime>,
}

impl AppointmentFilter {
    /// Every appointment of one client.
    pub fn client(client_id: &ClientId) -> AppointmentFilter {
        AppointmentFilter {
            client_id: Some(client_id.clone()),
            ..AppointmentFilter::default()
        }
    }
}

/// A change of an appointment's status (check-in, done, cancelled, no-show) or time.
#[derive(Clone, Debug)]
pub struct AppointmentChange {
    pub id: AppointmentId,
    pub expected_version: i64,
    pub status: AppointmentStatus,
    pub reason: Option<String>,
    /// A new time, for a reschedule.
    pub new_time: Option<SessionTime>,
    /// At check-in after a re-screen: the new intake the session now follows.
    pub new_intake_id: Option<IntakeId>,
    pub updated_at: Timestamp,
}

#[async_trait]
pub trait BookStore: Send + Sync {
    /// Books the appointment unless its practitioner, room or device is already taken at that
    /// time ([`StoreError::Clash`](crate::StoreError::Clash)); the check and the insert share one
    /// transaction.
    async fn book(&self, appointment: NewAppointment, audit: NewAuditEntry) -> StoreResult<Appointment>;
    async fn appointment(&self, id: &AppointmentId) -> StoreResult<Option<Appointment>>;
    /// Appointments in start order.
    async fn appointments(&self, filter: &AppointmentFilter) -> StoreResult<Vec<Appointment>>;
    async fn change_appointment(
        &self,
        change: AppointmentChange,
        audit: NewAuditEntry,
    ) -> StoreResult<Appointment>;
}
