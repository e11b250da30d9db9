//! Unique keys as field errors. The database's unique indexes are what keep one row per
//! key when two requests race (a check before the insert cannot, on PostgreSQL); the
//! write that loses the race is told which field collided, as if the check had caught it.

use crate::error::{AppError, is_unique_violation};
use sea_orm::DbErr;

/// Maps a unique-index violation to a `DUPLICATE` error on `field`; any other database
/// error keeps its own meaning. Use it on the insert or update that can collide:
/// `.insert(txn).await.map_err(duplicate_on("code", "the code is taken"))?`.
pub fn duplicate_on(field: &str, message: impl Into<String>) -> impl FnOnce(DbErr) -> AppError {
    let field = field.to_owned();
    let message = message.into();
    move |err| {
        if is_unique_violation(&err) {
            AppError::invalid(&field, "DUPLICATE", message)
        } else {
            AppError::from(err)
        }
    }
}
