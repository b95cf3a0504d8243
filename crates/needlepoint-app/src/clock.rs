//! "Now", from one place: the real clock in the server, a clock the tests set and move.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// Where the application reads the time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until moved: tests set "now" instead of sleeping.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Timestamp>,
}

impl ManualClock {
    pub fn new(now: Timestamp) -> ManualClock {
        ManualClock { now: Mutex::new(now) }
    }

    pub fn set(&self, now: Timestamp) {
        if let Ok(mut current) = self.now.lock() {
            *current = now;
        }
    }

    pub fn advance(&self, by: SignedDuration) {
        if let Ok(mut current) = self.now.lock()
            && let Ok(later) = current.checked_add(by)
        {
            *current = later;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.now.lock().map_or(Timestamp::UNIX_EPOCH, |now| *now)
    }
}
