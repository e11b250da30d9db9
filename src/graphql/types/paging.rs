//! Paging and ordering arguments shared by every connection.

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
