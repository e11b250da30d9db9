//! Pure domain rules: no database, no HTTP. Every query, filter and statistic uses these
//! one implementations.

pub mod charter;
pub mod codes;
pub mod names;
pub mod organisation;
