//! API types. Each wraps an entity model and exposes only what the API promises, so the
//! table layout can change without changing the contract.

pub mod access;
pub mod action_plan;
pub mod charter;
pub mod county;
pub mod labels;
pub mod node;
pub mod organisation;
pub mod paging;
pub mod payload;
pub mod programme;
pub mod scalars;
pub mod signature;
pub mod statistics;
pub mod study;
pub mod support;
pub mod webhook;
