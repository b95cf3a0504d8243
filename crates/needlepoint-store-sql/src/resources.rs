//! Licences, rooms, devices, the formulary and the clinic's settings.

use async_trait::async_trait;
use jiff::Timestamp;
use needlepoint_store::{
    Device, FormularyItem, Licence, NewAuditEntry, ResourceStore, Room, StoreResult, UserId,
};

use crate::engine::{Engine, Tx};
use crate::{SqlStore, args, rows, unique_or};

#[async_trait]
impl<E: Engine> ResourceStore for SqlStore<E> {
    async fn set_licence(&self, licence: Licence, audit: NewAuditEntry) -> StoreResult<Licence> {
        let l = licence.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO practitioner_licences (user_id, licence_type, max_depth_hundredths, updated_at)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (user_id) DO UPDATE SET licence_type = excluded.licence_type,
                         max_depth_hundredths = excluded.max_depth_hundredths, updated_at = excluded.updated_at",
                    &args![&l.user_id, &l.licence_type, l.max_depth_hundredths, l.updated_at],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        Ok(licence)
    }

    async fn licence(&self, user_id: &UserId) -> StoreResult<Option<Licence>> {
        self.one(
            "SELECT * FROM practitioner_licences WHERE user_id = $1",
            args![user_id],
            rows::licence,
        )
        .await
    }

    async fn create_room(&self, room: Room, audit: NewAuditEntry) -> StoreResult<Room> {
        let r = room.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO rooms (id, name, created_at) VALUES ($1, $2, $3)",
                    &args![&r.id, &r.name, r.created_at],
                )
                .await
                .map_err(unique_or(|| format!("a room named {} exists", r.name)))?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        Ok(room)
    }

    async fn rooms(&self) -> StoreResult<Vec<Room>> {
        self.all(
            "SELECT * FROM rooms ORDER BY lower(name), name",
            vec![],
            rows::room,
        )
        .await
    }

    async fn create_device(&self, device: Device, audit: NewAuditEntry) -> StoreResult<Device> {
        let d = device.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO devices (id, name, model, serial, min_hundredths, max_hundredths, labelled_limits,
                                          last_serviced_on, service_due_on, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    &args![
                        &d.id,
                        &d.name,
                        &d.model,
                        &d.serial,
                        d.min_hundredths,
                        d.max_hundredths,
                        &d.labelled_limits,
                        d.last_serviced_on,
                        d.service_due_on,
                        d.created_at
                    ],
                )
                .await
                .map_err(unique_or(|| format!("a device with serial {} exists", d.serial)))?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        Ok(device)
    }

    async fn devices(&self) -> StoreResult<Vec<Device>> {
        self.all(
            "SELECT * FROM devices ORDER BY name, serial",
            vec![],
            rows::device,
        )
        .await
    }

    async fn add_formulary_item(
        &self,
        item: FormularyItem,
        audit: NewAuditEntry,
    ) -> StoreResult<FormularyItem> {
        let i = item.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO formulary (id, name, use, created_at) VALUES ($1, $2, $3, $4)",
                    &args![&i.id, &i.name, i.use_for.name(), i.created_at],
                )
                .await
                .map_err(unique_or(|| format!("{} is already on the formulary", i.name)))?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        Ok(item)
    }

    async fn formulary(&self) -> StoreResult<Vec<FormularyItem>> {
        self.all(
            "SELECT * FROM formulary ORDER BY use, lower(name), name",
            vec![],
            rows::formulary,
        )
        .await
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<serde_json::Value>> {
        let rows = self
            .engine
            .query(
                "SELECT value_json FROM clinic_settings WHERE key = $1",
                args![key].into(),
            )
            .await?;
        rows.into_iter()
            .next()
            .map(|mut row| row.json("value_json"))
            .transpose()
    }

    async fn set_setting(
        &self,
        key: &str,
        value: serde_json::Value,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let (key, value) = (key.to_string(), value.to_string());
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                tx.execute(
                    "INSERT INTO clinic_settings (key, value_json, updated_at) VALUES ($1, $2, $3)
                     ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at",
                    &args![&key, &value, at],
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await
    }
}
