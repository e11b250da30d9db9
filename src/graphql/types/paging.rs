//! Paging and ordering arguments shared by every connection.

use crate::error::AppError;
use crate::services::capped::MAX_NESTED;
use crate::services::pagination::PageArgs;
use async_graphql::Enum;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum SortDirection {
    /// Ascending (A–Ö, oldest first).
    #[default]
    Asc,
    /// Descending.
    Desc,
}

impl SortDirection {
    pub fn is_descending(self) -> bool {
        self == Self::Desc
    }
}

/// Collects the four Relay arguments.
pub fn page_args(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        first,
        after,
        last,
        before,
    }
}

/// The default, and the largest, `first` of a nested list (the loaders read no more).
pub const NESTED_FIRST: i32 = MAX_NESTED as i32;

/// The first `first` rows of a nested list; `first` must be 0 to `NESTED_FIRST`.
pub fn nested_first<T>(mut rows: Vec<T>, first: i32) -> async_graphql::Result<Vec<T>> {
    let Ok(count) = usize::try_from(first) else {
        return Err(too_many(first).into());
    };
    if first > NESTED_FIRST {
        return Err(too_many(first).into());
    }
    rows.truncate(count);
    Ok(rows)
}

fn too_many(first: i32) -> AppError {
    AppError::bad_input(format!(
        "`first` of a nested list is 0 to {NESTED_FIRST}, not {first}"
    ))
}

/// The first `first` of a nested list read from the snapshot, wrapped in its GraphQL
/// type; `first` must be 0 to `NESTED_FIRST`.
pub fn first_of<T: Clone, W>(
    rows: &[T],
    first: i32,
    wrap: impl Fn(T) -> W,
) -> async_graphql::Result<Vec<W>> {
    let count = usize::try_from(first)
        .ok()
        .filter(|_| first <= NESTED_FIRST)
        .ok_or_else(|| too_many(first))?;
    Ok(rows.iter().take(count).cloned().map(wrap).collect())
}
