//! What the clinic does, once: the pages and the API both call these, so a rule lives in one place.

pub mod booking;
pub mod clients;
pub mod consents;
pub mod intakes;
pub mod resources;
pub mod room;
pub mod stored_plan;
pub mod users;

use std::collections::BTreeMap;

use crate::error::AppError;

/// Collects field problems; `finish` turns any into one 422.
#[derive(Default)]
pub struct Problems(BTreeMap<String, String>);

impl Problems {
    pub fn add(&mut self, path: &str, problem: impl Into<String>) {
        self.0.entry(path.to_string()).or_insert_with(|| problem.into());
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid("some fields need attention", self.0))
        }
    }
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
