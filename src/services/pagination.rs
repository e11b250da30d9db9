//! Keyset (cursor) pagination, forwards and backwards, for any ordered query.
//!
//! A cursor names the ordering it belongs to and the sort values of one row, so paging is
//! stable while rows are added or removed, and a cursor from another ordering is refused.
//! Every ordering ends in a unique column so ties are broken deterministically.

use crate::error::{AppError, AppResult};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Order, SimpleExpr};
use sea_orm::{EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Value};
use serde::{Deserialize, Serialize};

/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;
/// The page size when the client gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// Relay paging arguments as the client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// One value of a sort key, as carried in a cursor. Ordered as SQLite orders values
/// (numbers before text, text by bytes: every text column is byte-collated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyValue {
    Int(i64),
    Text(String),
}

impl From<KeyValue> for Value {
    fn from(value: KeyValue) -> Self {
        match value {
            KeyValue::Int(v) => Value::BigInt(Some(v)),
            KeyValue::Text(v) => Value::String(Some(v)),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    /// The ordering's name.
    o: String,
    /// The row's sort values.
    k: Vec<KeyValue>,
}

/// Encodes a row position under an ordering as an opaque cursor.
pub fn encode_cursor(ordering: &str, key: Vec<KeyValue>) -> String {
    let body = CursorBody {
        o: ordering.to_owned(),
        k: key,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

/// A row's cursor, encoded only when a client asks for it: a page of nodes alone needs
/// none, and encoding is most of what listing a row from memory costs.
#[derive(Debug, Clone)]
pub struct Cursor {
    ordering: std::sync::Arc<str>,
    key: Vec<KeyValue>,
}

impl Cursor {
    pub fn new(ordering: std::sync::Arc<str>, key: Vec<KeyValue>) -> Self {
        Self { ordering, key }
    }

    pub fn encode(&self) -> String {
        encode_cursor(&self.ordering, self.key.clone())
    }
}

impl async_graphql::connection::CursorType for Cursor {
    type Error = &'static str;

    /// Cursors are decoded against the ordering they must belong to (`PagePlan::new`),
    /// never on their own.
    fn decode_cursor(_: &str) -> Result<Self, &'static str> {
        Err("a cursor is read with its ordering")
    }

    fn encode_cursor(&self) -> String {
        self.encode()
    }
}

fn decode_cursor(cursor: &str, ordering: &str, arity: usize) -> AppResult<Vec<KeyValue>> {
    let invalid = || AppError::bad_input(format!("invalid cursor {cursor:?}"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let body: CursorBody = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if body.o != ordering {
        return Err(AppError::bad_input(
            "the cursor belongs to another ordering; page again from the start",
        ));
    }
    if body.k.len() != arity {
        return Err(invalid());
    }
    Ok(body.k)
}

/// One column (or expression) of an ordering.
#[derive(Debug, Clone)]
pub struct SortColumn {
    pub expr: SimpleExpr,
    pub descending: bool,
}

impl SortColumn {
    pub fn asc(expr: impl Into<SimpleExpr>) -> Self {
        Self {
            expr: expr.into(),
            descending: false,
        }
    }

    pub fn with_direction(expr: impl Into<SimpleExpr>, descending: bool) -> Self {
        Self {
            expr: expr.into(),
            descending,
        }
    }
}

/// A named ordering: its columns, the last of which must be unique.
#[derive(Debug, Clone)]
pub struct Ordering {
    pub name: String,
    pub columns: Vec<SortColumn>,
}

/// A validated page request.
#[derive(Debug, Clone)]
pub struct PagePlan {
    pub limit: u64,
    pub backward: bool,
    after: Option<Vec<KeyValue>>,
    before: Option<Vec<KeyValue>>,
}

/// A page of rows in the requested order, with what lies beyond it.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_previous: bool,
    pub has_next: bool,
}

impl PagePlan {
    /// Checks the arguments: sizes within 0..=MAX_PAGE_SIZE, not both `first` and `last`,
    /// cursors of this ordering.
    pub fn new(args: &PageArgs, ordering: &Ordering) -> AppResult<Self> {
        let check = |name: &str, value: Option<i32>| -> AppResult<Option<u64>> {
            match value {
                Some(n) if !(0..=MAX_PAGE_SIZE).contains(&n) => Err(AppError::bad_input(format!(
                    "`{name}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"
                ))),
                Some(n) => Ok(Some(n as u64)),
                None => Ok(None),
            }
        };
        let first = check("first", args.first)?;
        let last = check("last", args.last)?;
        if first.is_some() && last.is_some() {
            return Err(AppError::bad_input("give `first` or `last`, not both"));
        }
        let arity = ordering.columns.len();
        let decode = |c: &Option<String>| {
            c.as_deref()
                .map(|c| decode_cursor(c, &ordering.name, arity))
                .transpose()
        };
        Ok(Self {
            limit: first.or(last).unwrap_or(DEFAULT_PAGE_SIZE as u64),
            backward: last.is_some(),
            after: decode(&args.after)?,
            before: decode(&args.before)?,
        })
    }

    /// The sort values the page must lie after and before, from the cursors.
    pub fn bounds(&self) -> (Option<&[KeyValue]>, Option<&[KeyValue]>) {
        (self.after.as_deref(), self.before.as_deref())
    }

    /// Restricts and orders a query to this page, fetching one row more than the page to
    /// learn whether more follow.
    pub fn apply<E: EntityTrait>(&self, mut select: Select<E>, ordering: &Ordering) -> Select<E> {
        if let Some(after) = &self.after {
            select = select.filter(beyond(&ordering.columns, after, true));
        }
        if let Some(before) = &self.before {
            select = select.filter(beyond(&ordering.columns, before, false));
        }
        for column in &ordering.columns {
            let ascending = column.descending == self.backward;
            let order = if ascending { Order::Asc } else { Order::Desc };
            select = select.order_by(column.expr.clone(), order);
        }
        select.limit(self.limit + 1)
    }

    /// Turns the fetched rows (in query order, one extra at most) into the page.
    pub fn finish<T>(&self, mut rows: Vec<T>) -> Page<T> {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        if self.backward {
            rows.reverse();
            Page {
                items: rows,
                has_previous: more,
                has_next: self.before.is_some(),
            }
        } else {
            Page {
                items: rows,
                has_previous: self.after.is_some(),
                has_next: more,
            }
        }
    }
}

/// Rows strictly after (`forward`) or before the given key in the ordering.
fn beyond(columns: &[SortColumn], key: &[KeyValue], forward: bool) -> Condition {
    let mut any = Condition::any();
    for i in 0..columns.len() {
        let mut all = Condition::all();
        for (column, value) in columns.iter().zip(key).take(i) {
            all = all.add(Expr::expr(column.expr.clone()).eq(Value::from(value.clone())));
        }
        let column = &columns[i];
        let value = Value::from(key[i].clone());
        let greater = forward != column.descending;
        let edge = if greater {
            Expr::expr(column.expr.clone()).gt(value)
        } else {
            Expr::expr(column.expr.clone()).lt(value)
        };
        any = any.add(all.add(edge));
    }
    any
}
