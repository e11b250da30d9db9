//! Nested lists read at most a fixed number of rows per parent, in one statement for all
//! parents: a plan with 100,000 follow-up reports costs the same memory as one with 100.
//! `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY …)` numbers each parent's rows in the
//! list's order and the outer query keeps the first `cap` of each (SQLite and PostgreSQL
//! alike).

use crate::error::AppResult;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query, WindowStatement};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, QueryTrait, Select};

/// How many rows of a nested list a request may ask for, and get when it does not say.
pub const MAX_NESTED: u64 = 100;

/// The column numbering each parent's rows.
const ROW: &str = "row_in_parent";

/// Runs `select` (its filter, without ordering) keeping at most `cap` rows per value of
/// `parent` (all with `None`), each parent's rows in the order of `order`; parents in
/// ascending order.
pub async fn per_parent<E>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    parent: E::Column,
    order: &[(E::Column, Order)],
    cap: Option<u64>,
) -> AppResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
{
    let mut window = WindowStatement::partition_by(parent);
    for (column, direction) in order {
        window.order_by(*column, direction.clone());
    }
    let mut ranked = select.into_query();
    ranked.expr_window_as(Expr::cust("ROW_NUMBER()"), window, Alias::new(ROW));
    let mut outer = Query::select();
    outer
        .column(Asterisk)
        .from_subquery(ranked, Alias::new("ranked"))
        .order_by(parent, Order::Asc)
        .order_by(Alias::new(ROW), Order::Asc);
    if let Some(cap) = cap {
        outer.and_where(Expr::col(Alias::new(ROW)).lte(cap));
    }
    let statement = db.get_database_backend().build(&outer);
    Ok(E::Model::find_by_statement(statement).all(db).await?)
}
