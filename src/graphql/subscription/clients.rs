//! What each client holds open on this replica: WebSocket connections and
//! subscriptions, counted by the same key rate limits use (the verified identity once a
//! token checked out, the client address for anonymous clients), so one client cannot
//! take every socket or every subscription a replica can carry.
//!
//! A socket that has not yet sent `connection_init` is pending, counted by its address
//! apart from the address's anonymous sockets: anonymous sockets sharing an address
//! with a token holder (behind one NAT) do not lock it out, and pending ones are few
//! and short-lived (the initialisation timeout ends them).
//!
//! Counts live in this process only, like the rate limiter's buckets: behind a load
//! balancer a client may hold the limits on each replica.

use crate::config::FeedSettings;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The limits, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub subscriptions_per_connection: usize,
    pub subscriptions_per_client: usize,
    pub sockets_per_client: usize,
}

impl Limits {
    pub fn from_settings(settings: &FeedSettings) -> Self {
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Self {
            subscriptions_per_connection: size(settings.subscriptions_per_connection),
            subscriptions_per_client: size(settings.subscriptions_per_client),
            sockets_per_client: size(settings.subscription_sockets_per_client),
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Held {
    pending: usize,
    sockets: usize,
    subscriptions: usize,
}

impl Held {
    fn is_empty(self) -> bool {
        self.pending == 0 && self.sockets == 0 && self.subscriptions == 0
    }
}

/// What is held, per client key.
pub struct Clients {
    pub limits: Limits,
    held: Mutex<HashMap<String, Held>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Pending,
    Socket,
    Subscription,
}

/// One socket or subscription counted against a client until it is dropped.
#[derive(Debug)]
pub struct Lease {
    clients: Arc<Clients>,
    key: String,
    kind: Kind,
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clients")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Clients {
    pub fn new(limits: Limits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            held: Mutex::new(HashMap::new()),
        })
    }

    /// A socket not yet initialised, from the address, or None when the address has as
    /// many pending as a client may hold sockets.
    pub fn pending(self: &Arc<Self>, address_key: &str) -> Option<Lease> {
        self.take(address_key, Kind::Pending)
    }

    /// An initialised socket for the client, or None when it holds as many as it may.
    pub fn socket(self: &Arc<Self>, key: &str) -> Option<Lease> {
        self.take(key, Kind::Socket)
    }

    /// A subscription for the client, or None when it holds as many as it may.
    pub fn subscription(self: &Arc<Self>, key: &str) -> Option<Lease> {
        self.take(key, Kind::Subscription)
    }

    fn take(self: &Arc<Self>, key: &str, kind: Kind) -> Option<Lease> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = held.entry(key.to_owned()).or_default();
        let (count, limit) = match kind {
            Kind::Pending => (&mut entry.pending, self.limits.sockets_per_client),
            Kind::Socket => (&mut entry.sockets, self.limits.sockets_per_client),
            Kind::Subscription => (
                &mut entry.subscriptions,
                self.limits.subscriptions_per_client,
            ),
        };
        if *count >= limit {
            if entry.is_empty() {
                held.remove(key);
            }
            return None;
        }
        *count += 1;
        Some(Lease {
            clients: self.clone(),
            key: key.to_owned(),
            kind,
        })
    }
}

impl Lease {
    /// The key the lease counts against.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut held = self
            .clients
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = held.get_mut(&self.key) {
            match self.kind {
                Kind::Pending => entry.pending = entry.pending.saturating_sub(1),
                Kind::Socket => entry.sockets = entry.sockets.saturating_sub(1),
                Kind::Subscription => entry.subscriptions = entry.subscriptions.saturating_sub(1),
            }
            if entry.is_empty() {
                held.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clients() -> Arc<Clients> {
        Clients::new(Limits {
            subscriptions_per_connection: 5,
            subscriptions_per_client: 2,
            sockets_per_client: 1,
        })
    }

    #[test]
    fn a_client_holds_at_most_its_limits_and_gets_them_back() {
        let clients = clients();
        let socket = clients.socket("address:192.0.2.1").expect("first socket");
        assert!(clients.socket("address:192.0.2.1").is_none());
        assert!(
            clients.socket("address:192.0.2.2").is_some(),
            "another client"
        );
        let one = clients.subscription("token:7").expect("one");
        let _two = clients.subscription("token:7").expect("two");
        assert!(clients.subscription("token:7").is_none());
        drop(one);
        assert!(clients.subscription("token:7").is_some());
        drop(socket);
        assert!(clients.socket("address:192.0.2.1").is_some());
    }

    #[test]
    fn pending_sockets_do_not_count_against_initialised_ones() {
        let clients = clients();
        let _pending = clients.pending("address:192.0.2.1").expect("pending");
        assert!(clients.pending("address:192.0.2.1").is_none());
        assert!(clients.socket("address:192.0.2.1").is_some());
    }

    #[test]
    fn nothing_is_remembered_for_a_client_that_holds_nothing() {
        let clients = clients();
        drop(clients.socket("a"));
        drop(clients.subscription("b"));
        drop(clients.pending("b"));
        let held = clients.socket("c");
        assert!(clients.socket("c").is_none());
        drop(held);
        assert!(clients.held.lock().expect("not poisoned").is_empty());
    }
}
