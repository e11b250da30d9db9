//! Plain HTTP concerns shared by every endpoint: request ids and the request log,
//! admission (identifying the caller and rate limiting), health probes, metrics, and
//! JSON answers for unknown routes and malformed extractor input.

pub mod admission;
pub mod body;
pub mod health;
pub mod metrics;
pub mod not_found;
pub mod panics;
pub mod rate_limit;
pub mod request_log;
pub mod security;
pub mod uri;
