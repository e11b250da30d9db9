//! The register: signatures, action plans, programme participation and county board
//! support, and the derived statuses.

pub mod action_plans;
pub mod signatures;
pub mod status;
pub mod support;
