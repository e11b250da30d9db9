//! The register: signatures, action plans, programme participation and county board
//! support, and the derived statuses.

pub mod action_plans;
pub mod changes;
pub mod planning;
pub mod signatures;
pub mod signing;
pub mod status;
pub mod support;
pub mod supporting;
