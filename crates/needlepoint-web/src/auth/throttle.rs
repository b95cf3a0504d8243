//! Login throttling, per account and per address: after too many failures in a window, further
//! attempts are refused until the window has passed, whatever the password.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_FAILURES_PER_ACCOUNT: usize = 5;
const MAX_FAILURES_PER_ADDRESS: usize = 20;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    /// Seconds to wait before another attempt is allowed, if any.
    pub fn blocked_for(&self, account: &str, address: &str) -> Option<u64> {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else {
            return None;
        };
        let mut wait = None;
        for (key, limit) in [
            (
                format!("account:{}", account.to_lowercase()),
                MAX_FAILURES_PER_ACCOUNT,
            ),
            (format!("address:{address}"), MAX_FAILURES_PER_ADDRESS),
        ] {
            if let Some(times) = failures.get_mut(&key) {
                times.retain(|t| now.duration_since(*t) < WINDOW);
                if times.len() >= limit
                    && let Some(oldest) = times.first()
                {
                    let remaining = WINDOW
                        .saturating_sub(now.duration_since(*oldest))
                        .as_secs()
                        .max(1);
                    wait = Some(wait.map_or(remaining, |w: u64| w.max(remaining)));
                }
            }
        }
        wait
    }

    pub fn record_failure(&self, account: &str, address: &str) {
        let now = Instant::now();
        if let Ok(mut failures) = self.failures.lock() {
            failures
                .entry(format!("account:{}", account.to_lowercase()))
                .or_default()
                .push(now);
            failures
                .entry(format!("address:{address}"))
                .or_default()
                .push(now);
        }
    }

    pub fn record_success(&self, account: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&format!("account:{}", account.to_lowercase()));
        }
    }
}
