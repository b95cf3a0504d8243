//! A short-lived copy of recently used sessions, so that an authenticated read costs one database
//! query instead of two. Timeouts are still checked on every request from the cached times; a
//! logout on this server removes the entry at once. Another server's logout (scale-out) takes
//! effect here within `FRESH_FOR`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use needlepoint_store::{SessionRecord, User};

const FRESH_FOR: Duration = Duration::from_secs(5);
/// Past this many entries the cache starts again empty: memory stays bounded.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, (SessionRecord, User, Instant)>>,
}

impl SessionCache {
    pub fn get(&self, token_hash: &str) -> Option<(SessionRecord, User)> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(token_hash)
            .filter(|(_, _, at)| at.elapsed() < FRESH_FOR)
            .map(|(session, user, _)| (session.clone(), user.clone()))
    }

    pub fn put(&self, token_hash: &str, session: &SessionRecord, user: &User) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(
                token_hash.to_string(),
                (session.clone(), user.clone(), Instant::now()),
            );
        }
    }

    pub fn remove(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }
}
