//! Multi-row statements for writes of many rows: SQL with as many rows per statement as
//! the engine's limit on bound values allows, values given as one flat list (no entity
//! model per row), and the same text for every full chunk, so the driver prepares it once.

use crate::error::AppResult;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use std::fmt::Write as _;

/// The most values one statement may bind: PostgreSQL's wire protocol counts them in 16
/// bits; SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` is 32,766.
pub fn max_values(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Postgres => u16::MAX as usize,
        _ => 32_766,
    }
}

/// SQL text with numbered (`$n`) or positional (`?`) placeholders.
pub struct Sql {
    text: String,
    backend: DbBackend,
    bound: usize,
}

impl Sql {
    pub fn new(backend: DbBackend, head: String) -> Self {
        Self {
            text: head,
            backend,
            bound: 0,
        }
    }

    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// `(…, …)` with `n` placeholders.
    pub fn tuple(&mut self, n: usize) {
        self.text.push('(');
        for i in 0..n {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bound += 1;
            match self.backend {
                DbBackend::Postgres => {
                    let _ = write!(self.text, "${}", self.bound);
                }
                _ => self.text.push('?'),
            }
        }
        self.text.push(')');
    }

    pub fn statement(self, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, values)
    }
}

/// Inserts rows into `columns` of `table`, `values` pushing each row's values in column
/// order; a statement's values are gathered only as it is sent, so memory stays one
/// statement's worth whatever the number of rows.
pub async fn insert_rows<R>(
    txn: &impl ConnectionTrait,
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = R>,
    values: impl Fn(R, &mut Vec<Value>),
) -> AppResult<()> {
    let backend = txn.get_database_backend();
    let width = columns.len();
    let per_statement = max_values(backend) / width;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = Sql::new(
            backend,
            format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")),
        );
        let mut chunk = Vec::with_capacity(per_statement.min(rows.size_hint().0.max(1)) * width);
        for (i, row) in rows.by_ref().take(per_statement).enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.tuple(width);
            values(row, &mut chunk);
        }
        txn.execute_raw(sql.statement(chunk)).await?;
    }
    Ok(())
}
