//! Token buckets by key, as a generic cell rate algorithm: each key stores only the time
//! at which its bucket is full again. Costs are weighted; a request may take units only
//! when it fits, be charged regardless (debt, for work already done), or merely ask.
//! The map is sharded to keep workers from queueing on one lock, and bounded: idle keys
//! are dropped when a shard fills, and a shard full of active keys refuses new ones.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::num::NonZeroU32;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const SHARDS: usize = 16;

/// The wait before the request would fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub Duration);

impl Wait {
    /// Whole seconds for `Retry-After`, at least 1.
    pub fn secs(self) -> u64 {
        self.0.as_secs_f64().ceil().max(1.0) as u64
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Take,
    Charge,
    Peek,
}

/// Keyed buckets refilling at a steady rate.
pub struct Buckets {
    shards: Vec<Mutex<HashMap<String, Instant>>>,
    hasher: std::hash::RandomState,
    /// The time one unit takes to come back.
    interval: Duration,
    /// Units a full bucket holds (the burst).
    capacity: u32,
    max_keys_per_shard: usize,
}

impl Buckets {
    /// `per_minute` units a minute, bursts up to `capacity`, at most about `max_keys`
    /// keys remembered.
    pub fn new(per_minute: NonZeroU32, capacity: NonZeroU32, max_keys: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: std::hash::RandomState::new(),
            interval: Duration::from_secs(60) / per_minute.get(),
            capacity: capacity.get(),
            max_keys_per_shard: (max_keys / SHARDS).max(16),
        }
    }

    /// Takes `cost` units if the bucket holds them.
    pub fn take(&self, key: &str, cost: u32) -> Result<(), Wait> {
        self.apply(key, cost, Mode::Take, Instant::now())
    }

    /// Takes `cost` units even if the bucket is empty (up to one bucket of debt).
    pub fn charge(&self, key: &str, cost: u32) {
        let _ = self.apply(key, cost, Mode::Charge, Instant::now());
    }

    /// Whether `cost` units would be taken now, taking nothing.
    pub fn peek(&self, key: &str, cost: u32) -> Result<(), Wait> {
        self.apply(key, cost, Mode::Peek, Instant::now())
    }

    fn shard(&self, key: &str) -> MutexGuard<'_, HashMap<String, Instant>> {
        let index = (self.hasher.hash_one(key) as usize) % SHARDS;
        // A poisoned shard still holds valid instants: keep using it.
        match self.shards[index].lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn apply(&self, key: &str, cost: u32, mode: Mode, now: Instant) -> Result<(), Wait> {
        if cost == 0 {
            return Ok(());
        }
        // A cost above the capacity could never fit: it takes the whole bucket instead.
        let cost = cost.min(self.capacity);
        let tolerance = self.interval * self.capacity;
        let mut shard = self.shard(key);
        let full_at = shard
            .get(key)
            .copied()
            .filter(|at| *at > now)
            .unwrap_or(now);
        let after = full_at + self.interval * cost;
        let fits = after <= now + tolerance;
        if !fits && mode != Mode::Charge {
            return Err(Wait(after - tolerance - now));
        }
        if mode == Mode::Peek {
            return Ok(());
        }
        if !shard.contains_key(key) && shard.len() >= self.max_keys_per_shard {
            shard.retain(|_, at| *at > now);
            if shard.len() >= self.max_keys_per_shard {
                return Err(Wait(self.interval));
            }
        }
        shard.insert(key.to_owned(), after.min(now + tolerance * 2));
        Ok(())
    }

    /// Keys remembered (for tests and metrics).
    pub fn len(&self) -> usize {
        (0..SHARDS)
            .map(|i| match self.shards[i].lock() {
                Ok(guard) => guard.len(),
                Err(poisoned) => poisoned.into_inner().len(),
            })
            .sum()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buckets(per_minute: u32, capacity: u32) -> Buckets {
        Buckets::new(
            NonZeroU32::new(per_minute).expect("rate"),
            NonZeroU32::new(capacity).expect("capacity"),
            1000,
        )
    }

    #[test]
    fn a_full_bucket_gives_its_capacity_then_refills_at_the_rate() {
        let b = buckets(60, 10);
        let now = Instant::now();
        for _ in 0..10 {
            assert!(b.apply("k", 1, Mode::Take, now).is_ok());
        }
        let wait = b.apply("k", 1, Mode::Take, now).expect_err("empty");
        assert_eq!(wait.secs(), 1);
        assert!(
            b.apply("k", 1, Mode::Take, now + Duration::from_secs(1))
                .is_ok()
        );
        assert!(
            b.apply("other", 1, Mode::Take, now).is_ok(),
            "keys are separate"
        );
    }

    #[test]
    fn costs_are_weighted_and_peeking_takes_nothing() {
        let b = buckets(60, 10);
        let now = Instant::now();
        assert!(b.apply("k", 10, Mode::Peek, now).is_ok());
        assert!(b.apply("k", 7, Mode::Take, now).is_ok());
        assert_eq!(b.apply("k", 4, Mode::Take, now).map_err(Wait::secs), Err(1));
        assert!(b.apply("k", 3, Mode::Take, now).is_ok());
        let _ = b.apply("k", 5, Mode::Charge, now);
        assert_eq!(b.apply("k", 1, Mode::Peek, now).map_err(Wait::secs), Err(6));
    }

    #[test]
    fn the_number_of_keys_is_bounded() {
        let b = Buckets::new(
            NonZeroU32::new(60).expect("rate"),
            NonZeroU32::new(10).expect("capacity"),
            SHARDS * 16,
        );
        for i in 0..10_000 {
            let _ = b.take(&format!("key-{i}"), 1);
        }
        assert!(b.len() <= SHARDS * 16);
    }
}
