//! The rules of login throttling, as pure functions over a counter: how many failed
//! attempts are free, how long each further one blocks the key (exponential back-off,
//! capped), and when failures are forgotten. The counters live in the database
//! (`services::login`) so every replica applies the same state.
//!
//! The bar is NIST SP 800-63B (5.2.2) and OWASP's Authentication Cheat Sheet: a block is
//! always temporary (an anonymous client can delay an account, never lock it for good),
//! the wait grows with each failure up to a ceiling, a success resets the account's
//! counter, and an administrator can lift a block at once.

/// The throttling configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRules {
    /// Failed attempts per account (or known device) before back-off starts.
    pub account_attempts: u32,
    /// Failed attempts per client address before back-off starts.
    pub address_attempts: u32,
    /// The first back-off, in seconds; each further failure doubles it.
    pub backoff_base_secs: i64,
    /// The longest back-off, in seconds.
    pub backoff_max_secs: i64,
    /// Failures are forgotten after this many seconds without an attempt.
    pub window_secs: i64,
}

/// A key's stored counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub failures: i32,
    pub last_attempt_at: i64,
    pub blocked_until: Option<i64>,
}

impl ThrottleRules {
    /// Seconds until the key may try again, if it is blocked now.
    pub fn blocked_for(&self, counter: &Counter, now: i64) -> Option<i64> {
        counter
            .blocked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// The counter after one more attempt is let through (counted as a failure until it
    /// succeeds, so concurrent attempts cannot slip past the limit together).
    pub fn after_attempt(&self, counter: Option<&Counter>, free: u32, now: i64) -> Counter {
        let previous = counter
            .filter(|c| now - c.last_attempt_at <= self.window_secs)
            .map_or(0, |c| c.failures.max(0));
        let failures = previous.saturating_add(1);
        Counter {
            failures,
            last_attempt_at: now,
            blocked_until: self.block(failures, free, now),
        }
    }

    /// The counter after an attempt that was let through turned out to succeed, for keys
    /// a success does not reset (a client address): the attempt no longer counts.
    pub fn after_success(&self, counter: &Counter, free: u32) -> Counter {
        let failures = (counter.failures - 1).max(0);
        Counter {
            failures,
            last_attempt_at: counter.last_attempt_at,
            blocked_until: if failures >= to_i32(free) {
                counter.blocked_until
            } else {
                None
            },
        }
    }

    /// The end of the block after `failures` failures, if that many are over the free ones.
    fn block(&self, failures: i32, free: u32, now: i64) -> Option<i64> {
        let over = failures - to_i32(free);
        if over < 0 {
            return None;
        }
        let doublings = u32::try_from(over).unwrap_or(u32::MAX).min(40);
        let wait = self
            .backoff_base_secs
            .max(1)
            .saturating_mul(1_i64 << doublings)
            .min(self.backoff_max_secs.max(1));
        Some(now.saturating_add(wait))
    }
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: ThrottleRules = ThrottleRules {
        account_attempts: 10,
        address_attempts: 100,
        backoff_base_secs: 30,
        backoff_max_secs: 3600,
        window_secs: 86_400,
    };

    fn attempts(n: usize, now: i64) -> Counter {
        let mut counter = None;
        for _ in 0..n {
            counter = Some(RULES.after_attempt(counter.as_ref(), 10, now));
        }
        counter.expect("at least one attempt")
    }

    #[test]
    fn the_tenth_failure_blocks_and_each_further_one_doubles_the_wait_up_to_the_ceiling() {
        assert_eq!(RULES.blocked_for(&attempts(9, 1000), 1000), None);
        assert_eq!(RULES.blocked_for(&attempts(10, 1000), 1000), Some(30));
        assert_eq!(RULES.blocked_for(&attempts(11, 1000), 1000), Some(60));
        assert_eq!(RULES.blocked_for(&attempts(13, 1000), 1000), Some(240));
        assert_eq!(RULES.blocked_for(&attempts(500, 1000), 1000), Some(3600));
    }

    #[test]
    fn a_block_always_ends_and_old_failures_are_forgotten() {
        let blocked = attempts(50, 1000);
        assert_eq!(RULES.blocked_for(&blocked, 1000 + 3600), None);
        let later = RULES.after_attempt(Some(&blocked), 10, 1000 + 86_401);
        assert_eq!(later.failures, 1);
        assert_eq!(later.blocked_until, None);
    }

    #[test]
    fn a_success_takes_back_only_its_own_attempt() {
        let counter = attempts(10, 1000);
        let after = RULES.after_success(&counter, 10);
        assert_eq!(after.failures, 9);
        assert_eq!(after.blocked_until, None);
        let heavy = attempts(20, 1000);
        assert_eq!(
            RULES.after_success(&heavy, 10).blocked_until,
            heavy.blocked_until
        );
    }
}
