//! Business operations shared by GraphQL and REST. Each takes a database connection
//! and plain arguments and returns domain rows or `AppError`; none knows about HTTP.

pub mod accounts;
pub mod admin;
pub mod api_tokens;
pub mod audit;
pub mod capped;
pub mod charter;
pub mod codes;
pub mod geography;
pub mod idempotency;
pub mod imports;
pub mod login;
pub mod organisations;
pub mod pagination;
pub mod programmes;
pub mod register;
pub mod statistics;
pub mod studies;
pub mod writing;
