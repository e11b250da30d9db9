//! Persisted queries. Automatic persisted queries (the Apollo protocol): a client sends
//! `extensions.persistedQuery.sha256Hash` without the query; a miss answers
//! `PERSISTED_QUERY_NOT_FOUND` and the client sends both once. The cache is per process
//! and bounded; replicas behind a load balancer each learn a query on its first miss,
//! which the protocol is made for. Allow-list mode runs only registered operations.

use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// What a request resolved to.
pub enum Resolved {
    /// The query to run.
    Query(String),
    /// Refused, with a code and a message.
    Refused(&'static str, String),
}

/// Automatic persisted queries and, optionally, an allow-list.
pub struct PersistedQueries {
    cache: Mutex<(HashMap<String, String>, VecDeque<String>)>,
    capacity: usize,
    allow_list: Option<HashMap<String, String>>,
}

/// SHA-256 of a query, hex.
pub fn hash(query: &str) -> String {
    Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl PersistedQueries {
    pub fn new(capacity: usize, allow_list: Option<HashMap<String, String>>) -> Self {
        Self {
            cache: Mutex::new((HashMap::new(), VecDeque::new())),
            capacity: capacity.max(1),
            allow_list,
        }
    }

    /// Reads an allow-list file: `{ "<sha256>": "<query>", ... }`; every hash is checked.
    pub fn read_allow_list(path: &std::path::Path) -> anyhow::Result<HashMap<String, String>> {
        let text = std::fs::read_to_string(path)?;
        let list: HashMap<String, String> = serde_json::from_str(&text)?;
        for (key, query) in &list {
            anyhow::ensure!(
                hash(query) == key.to_lowercase(),
                "persisted query {key} does not match its SHA-256"
            );
        }
        Ok(list
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect())
    }

    /// The names of the operations of the allow-list (none without one).
    pub fn registered_operation_names(&self) -> Vec<String> {
        let Some(allowed) = &self.allow_list else {
            return Vec::new();
        };
        allowed
            .values()
            .filter_map(|query| async_graphql::parser::parse_query(query).ok())
            .flat_map(|document| match document.operations {
                async_graphql::parser::types::DocumentOperations::Single(_) => Vec::new(),
                async_graphql::parser::types::DocumentOperations::Multiple(ops) => {
                    ops.keys().map(ToString::to_string).collect()
                }
            })
            .collect()
    }

    /// The query to run for a request's query text and persisted-query hash.
    pub fn resolve(&self, query: &str, sha256: Option<&str>) -> Resolved {
        let sha256 = sha256.map(str::to_lowercase);
        if let Some(allowed) = &self.allow_list {
            let key = match (&sha256, query.trim().is_empty()) {
                (Some(h), _) => h.clone(),
                (None, false) => hash(query),
                (None, true) => {
                    return Resolved::Refused("PERSISTED_QUERY_NOT_FOUND", "no query".into());
                }
            };
            return match allowed.get(&key) {
                Some(registered) if query.trim().is_empty() || registered == query => {
                    Resolved::Query(registered.clone())
                }
                _ => Resolved::Refused(
                    "PERSISTED_QUERY_NOT_ALLOWED",
                    "only registered operations run on this server".into(),
                ),
            };
        }
        let Some(sha256) = sha256 else {
            return Resolved::Query(query.to_owned());
        };
        let Ok(mut guard) = self.cache.lock() else {
            return Resolved::Refused("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound".into());
        };
        let (cache, order) = &mut *guard;
        if query.trim().is_empty() {
            return match cache.get(&sha256) {
                Some(known) => Resolved::Query(known.clone()),
                None => {
                    Resolved::Refused("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound".into())
                }
            };
        }
        if hash(query) != sha256 {
            return Resolved::Refused(
                "PERSISTED_QUERY_HASH_MISMATCH",
                "the query does not match its sha256Hash".into(),
            );
        }
        if !cache.contains_key(&sha256) {
            if order.len() >= self.capacity
                && let Some(oldest) = order.pop_front()
            {
                cache.remove(&oldest);
            }
            order.push_back(sha256.clone());
            cache.insert(sha256, query.to_owned());
        }
        Resolved::Query(query.to_owned())
    }
}
