//! Sign-in throttling with `governor`'s keyed limiters: every attempt takes a turn from its
//! account's and its address's allowance before the password is checked, so concurrent attempts
//! cannot all slip past a check that has not yet counted the others.
//!
//! Memory is bounded: keys whose allowance is full again are dropped, and should more than
//! `MAX_KEYS` still be held back (an attack from very many addresses) every attempt is refused
//! until they drain: the throttle fails closed, never open.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The most keys each limiter holds before it fails closed.
const MAX_KEYS: usize = 100_000;

/// An account: five attempts, then one more every three minutes (five per quarter of an hour).
const ACCOUNT_BURST: u32 = 5;
const ACCOUNT_EVERY: Duration = Duration::from_secs(180);
/// An address (which may be a whole office behind one router): twenty, then one every 45 seconds.
const ADDRESS_BURST: u32 = 20;
const ADDRESS_EVERY: Duration = Duration::from_secs(45);

pub struct SignInThrottle {
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

fn limiter(burst: u32, every: Duration) -> DefaultKeyedRateLimiter<String> {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(every).map_or(Quota::per_minute(burst), |q| q.allow_burst(burst));
    RateLimiter::keyed(quota)
}

impl Default for SignInThrottle {
    fn default() -> SignInThrottle {
        SignInThrottle {
            accounts: limiter(ACCOUNT_BURST, ACCOUNT_EVERY),
            addresses: limiter(ADDRESS_BURST, ADDRESS_EVERY),
            clock: DefaultClock::default(),
        }
    }
}

impl SignInThrottle {
    /// Takes this attempt's turn; `Err(seconds)` to wait when the account or the address has
    /// none left. `account` must already be normalised (see `normalised_email`).
    pub fn attempt(&self, account: &str, address: &str) -> Result<(), u64> {
        for (limiter, key) in [(&self.accounts, account), (&self.addresses, address)] {
            if limiter.len() >= MAX_KEYS {
                limiter.retain_recent();
                if limiter.len() >= MAX_KEYS {
                    return Err(60);
                }
            }
            if let Err(not_until) = limiter.check_key(&key.to_string()) {
                return Err(not_until.wait_time_from(self.clock.now()).as_secs().max(1));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_gets_five_attempts_then_waits() {
        let throttle = SignInThrottle::default();
        for n in 0..ACCOUNT_BURST {
            assert!(
                throttle
                    .attempt("ana@clinic.test", &format!("10.0.0.{n}"))
                    .is_ok()
            );
        }
        let wait = throttle.attempt("ana@clinic.test", "10.0.0.99").unwrap_err();
        assert!((1..=180).contains(&wait), "{wait}");
        assert!(
            throttle.attempt("bo@clinic.test", "10.0.0.99").is_ok(),
            "another account is not held up"
        );
    }

    #[test]
    fn an_address_gets_twenty_attempts_across_accounts() {
        let throttle = SignInThrottle::default();
        for n in 0..ADDRESS_BURST {
            assert!(
                throttle
                    .attempt(&format!("user{n}@clinic.test"), "10.0.0.1")
                    .is_ok()
            );
        }
        assert!(throttle.attempt("other@clinic.test", "10.0.0.1").is_err());
    }
}
