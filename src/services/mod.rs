//! Business operations shared by GraphQL and REST. Each takes a database connection
//! and plain arguments and returns domain rows or `AppError`; none knows about HTTP.

pub mod charter;
pub mod geography;
pub mod organisations;
pub mod pagination;
pub mod programmes;
pub mod register;
pub mod statistics;
