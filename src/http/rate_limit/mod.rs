//! Rate limiting by cost, keyed by who is calling: the verified identity (an API token's
//! id, a JWT's subject) once its credential checked out, the client address before that
//! and for anonymous callers. A credential that fails is charged to the address, so
//! junk tokens share one bucket however they vary, and an API token not seen verifying
//! before must find room in the address's bucket before it costs a database lookup.
//!
//! Each replica counts in its own memory: behind a load balancer the effective limit is
//! the configured rate times the replicas (login throttling, which must hold across
//! replicas, is kept in the database instead). `admission` applies this to requests.

pub mod address;
pub mod buckets;

pub use address::ClientAddress;

use crate::auth::{Credential, Principal};
use actix_web::web;
use buckets::{Buckets, Wait};
use std::collections::{HashSet, VecDeque};
use std::num::NonZeroU32;
use std::sync::Mutex;

/// What requests cost, in units of `RATE_LIMIT_PER_MINUTE`.
pub mod cost {
    /// Any request; a county lookup costs this and nothing more.
    pub const REQUEST: u32 = 1;
    /// Each GraphQL operation (so a batch costs per operation).
    pub const OPERATION: u32 = 1;
    /// A GraphQL operation costs one more unit per this much complexity.
    pub const COMPLEXITY_PER_UNIT: u64 = 1_000;
    /// An operation that logs in (Argon2 is expensive on purpose).
    pub const LOGIN: u32 = 10;
    /// A bulk import.
    pub const IMPORT: u32 = 20;
    /// A credential that does not verify.
    pub const BAD_CREDENTIAL: u32 = 1;
}

/// Keys of the most API tokens remembered as recently verified.
const KNOWN_TOKENS: usize = 10_000;
/// Keys of the most buckets remembered.
const MAX_KEYS: usize = 200_000;

/// The per-process limiter, shared by the workers.
pub struct Limiter {
    buckets: Buckets,
    known_tokens: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl Limiter {
    /// `per_minute` units a minute per key, with bursts up to a fifth of it (at least
    /// enough for an import); None when limiting is off.
    pub fn new(per_minute: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new((per_minute / 5).max(cost::IMPORT)).unwrap_or(rate);
        Some(Self {
            buckets: Buckets::new(rate, burst, MAX_KEYS),
            known_tokens: Mutex::new((HashSet::new(), VecDeque::new())),
        })
    }

    pub fn buckets(&self) -> &Buckets {
        &self.buckets
    }

    /// Whether an API token (by digest) verified on this replica recently: such a token
    /// is looked up even when its address has no room left, so a client sharing an
    /// address with an abuser keeps working.
    pub fn is_known_token(&self, digest: &str) -> bool {
        self.known_tokens
            .lock()
            .map(|guard| guard.0.contains(digest))
            .unwrap_or(false)
    }

    /// Remembers (or, when it failed, forgets) a token's digest.
    pub fn note_token(&self, digest: &str, verified: bool) {
        let Ok(mut guard) = self.known_tokens.lock() else {
            return;
        };
        let (set, order) = &mut *guard;
        if !verified {
            set.remove(digest);
            return;
        }
        if set.insert(digest.to_owned()) {
            order.push_back(digest.to_owned());
            while order.len() > KNOWN_TOKENS {
                if let Some(oldest) = order.pop_front() {
                    set.remove(&oldest);
                }
            }
        }
    }
}

/// The bucket of a client address.
pub fn address_key(address: &ClientAddress) -> String {
    format!("address:{}", address.0)
}

/// The bucket of a verified caller.
pub fn identity_key(principal: &Principal) -> String {
    match &principal.credential {
        Credential::ApiToken { id, .. } => format!("token:{id}"),
        _ => format!("sub:{}", principal.sub),
    }
}

/// The rest of a request's budget: handlers that learn what the request costs (the
/// GraphQL endpoint, once it has parsed the operations) take the extra units here.
#[derive(Clone)]
pub struct Budget {
    limiter: web::Data<Limiter>,
    key: String,
}

impl Budget {
    pub fn new(limiter: web::Data<Limiter>, key: String) -> Self {
        Self { limiter, key }
    }

    /// Takes `cost` more units, or says how long to wait.
    pub fn take(&self, cost: u32) -> Result<(), Wait> {
        self.limiter.buckets.take(&self.key, cost)
    }
}
