//! Plain HTTP concerns shared by every endpoint: request ids and the request log,
//! health probes, and JSON answers for unknown routes and malformed extractor input.

pub mod body;
pub mod health;
pub mod metrics;
pub mod not_found;
pub mod panics;
pub mod rate_limit;
pub mod request_log;
pub mod security;
