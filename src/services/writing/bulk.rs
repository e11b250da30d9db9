//! Multi-row statements for writes of many rows, one statement per chunk of rows, the
//! rows given as one flat list of values (no entity model per row).
//!
//! How a chunk travels depends on the engine:
//!
//! - SQLite binds placeholders in-process and cheaply: a chunk is `VALUES (?, …), …`
//!   with as many rows as its limit on bound values allows, the same text for every full
//!   chunk, so it is prepared once.
//! - PostgreSQL parses and binds a statement of tens of thousands of placeholders slowly:
//!   measured, 60–90 ms to parse and as long again to bind each 65,535-value statement,
//!   more than executing it, so a 100,000-row import spent most of its transaction
//!   there. A chunk is therefore one parameter, a JSON array of rows unpacked by
//!   `jsonb_array_elements` and cast to the columns' types: the statement text is short,
//!   and the same for every chunk of a table.

use crate::error::{AppError, AppResult};
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

/// Rows per PostgreSQL statement: about a few MiB of JSON for the widest rows (audit
/// entries with their before and after), so one chunk's text is all the memory a write
/// of any size holds for its statements.
const JSON_ROWS_PER_STATEMENT: usize = 5_000;

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

/// The PostgreSQL type a JSON value is cast to, by the variant of the value it stands
/// for (a `None` of a variant keeps its type).
fn cast_of(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::Bool(_) => "bool",
        Value::SmallInt(_) => "int2",
        Value::Int(_) => "int4",
        Value::BigInt(_) => "int8",
        Value::String(_) => "text",
        Value::ChronoDateTimeUtc(_) => "timestamptz",
        _ => return None,
    })
}

/// Appends a value as JSON, in the text form PostgreSQL's input functions read back as
/// the value the driver would have bound.
fn push_json(out: &mut String, value: &Value) -> AppResult<()> {
    match value {
        Value::Bool(Some(b)) => out.push_str(if *b { "true" } else { "false" }),
        Value::SmallInt(Some(n)) => {
            let _ = write!(out, "{n}");
        }
        Value::Int(Some(n)) => {
            let _ = write!(out, "{n}");
        }
        Value::BigInt(Some(n)) => {
            let _ = write!(out, "{n}");
        }
        Value::String(Some(s)) => {
            let quoted = serde_json::to_string(s).map_err(|e| AppError::Internal(e.into()))?;
            out.push_str(&quoted);
        }
        // Microseconds, truncated as the driver truncates when it binds a timestamp.
        Value::ChronoDateTimeUtc(Some(at)) => {
            let _ = write!(out, "\"{}\"", at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00"));
        }
        Value::Bool(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::String(None)
        | Value::ChronoDateTimeUtc(None) => out.push_str("null"),
        other => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "no JSON form for a bulk-written {other:?}"
            )));
        }
    }
    Ok(())
}

/// Whether every value of a row has a JSON form (`push_json`).
fn json_ready(row: &[Value]) -> bool {
    row.iter().all(|value| cast_of(value).is_some())
}

/// How a chunk's rows travel.
enum Packing {
    /// PostgreSQL: one JSON array; the casts of its columns.
    Json {
        text: String,
        casts: Vec<&'static str>,
    },
    /// SQLite, or a value without a JSON form: placeholders.
    Values { sql: Sql, values: Vec<Value> },
}

/// One statement's rows, gathered row by row.
pub struct Chunk {
    backend: DbBackend,
    width: usize,
    rows: usize,
    packing: Option<Packing>,
}

impl Chunk {
    /// Rows of `width` values.
    pub fn new(backend: DbBackend, width: usize) -> Self {
        Self {
            backend,
            width,
            rows: 0,
            packing: None,
        }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Whether the chunk is as large as one statement takes.
    pub fn is_full(&self) -> bool {
        let capacity = match self.packing {
            Some(Packing::Json { .. }) => JSON_ROWS_PER_STATEMENT,
            _ => max_values(self.backend) / self.width.max(1),
        };
        self.rows >= capacity
    }

    /// Adds a row (its `width` values, taken out of `row`).
    pub fn push(&mut self, row: &mut Vec<Value>) -> AppResult<()> {
        if row.len() != self.width {
            return Err(AppError::Internal(anyhow::anyhow!(
                "a bulk-written row of {} values where {} were expected",
                row.len(),
                self.width
            )));
        }
        let packing = self.packing.get_or_insert_with(|| {
            if self.backend == DbBackend::Postgres && json_ready(row) {
                Packing::Json {
                    text: String::from("["),
                    casts: row.iter().filter_map(cast_of).collect(),
                }
            } else {
                Packing::Values {
                    sql: Sql::new(self.backend, String::new()),
                    values: Vec::new(),
                }
            }
        });
        match packing {
            Packing::Json { text, casts } => {
                if self.rows > 0 {
                    text.push(',');
                }
                text.push('[');
                for (i, (value, cast)) in row.iter().zip(casts.iter()).enumerate() {
                    // Every row of a statement has its columns' types: another variant
                    // here is a programming error, refused rather than cast wrongly.
                    if cast_of(value) != Some(*cast) {
                        return Err(AppError::Internal(anyhow::anyhow!(
                            "a bulk-written column of {cast} given {value:?}"
                        )));
                    }
                    if i > 0 {
                        text.push(',');
                    }
                    push_json(text, value)?;
                }
                text.push(']');
                row.clear();
            }
            Packing::Values { sql, values } => {
                if self.rows > 0 {
                    sql.push(", ");
                }
                sql.tuple(self.width);
                values.append(row);
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// The statement `head`, the rows, `tail`. The rows are a `VALUES` list or a
    /// `SELECT` of columns named `column1`, `column2`, … either way, so that `head` may
    /// be `INSERT INTO t (…) ` or `UPDATE t SET … FROM (` (with `) AS v …` in `tail`).
    pub fn statement(self, head: &str, tail: &str) -> AppResult<Statement> {
        Ok(match self.packing {
            Some(Packing::Json { mut text, casts }) => {
                text.push(']');
                let mut sql = String::from(head);
                sql.push_str("SELECT ");
                for (i, cast) in casts.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    let _ = write!(sql, "(e.v ->> {i})::{cast} AS column{}", i + 1);
                }
                // In the array's order: rows inserted in order get ids in that order
                // (the change feed numbers its rows by id).
                sql.push_str(
                    " FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n",
                );
                sql.push_str(tail);
                Statement::from_sql_and_values(self.backend, sql, [Value::from(text)])
            }
            Some(Packing::Values { sql, values }) => {
                let mut full = Sql::new(self.backend, format!("{head}VALUES "));
                full.push(&sql.text);
                full.bound = sql.bound;
                full.push(tail);
                full.statement(values)
            }
            None => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "a bulk statement without rows"
                )));
            }
        })
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
    mut values: impl FnMut(R, &mut Vec<Value>),
) -> AppResult<()> {
    let backend = txn.get_database_backend();
    let width = columns.len();
    let head = format!("INSERT INTO {table} ({}) ", columns.join(", "));
    let mut chunk = Chunk::new(backend, width);
    let mut row = Vec::with_capacity(width);
    for item in rows {
        values(item, &mut row);
        chunk.push(&mut row)?;
        if chunk.is_full() {
            let full = std::mem::replace(&mut chunk, Chunk::new(backend, width));
            txn.execute_raw(full.statement(&head, "")?).await?;
        }
    }
    if !chunk.is_empty() {
        txn.execute_raw(chunk.statement(&head, "")?).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn row(id: i32, title: Option<&str>) -> Vec<Value> {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 30, 21, 52, 22)
            .single()
            .expect("a time")
            + chrono::Duration::nanoseconds(25_706_999);
        vec![
            id.into(),
            title.map(str::to_owned).into(),
            Option::<i64>::None.into(),
            at.into(),
        ]
    }

    #[test]
    fn postgres_rows_travel_as_one_json_parameter() {
        let mut chunk = Chunk::new(DbBackend::Postgres, 4);
        chunk
            .push(&mut row(1, Some("a \"quoted\" \\ tïtle\n")))
            .expect("row");
        chunk.push(&mut row(2, None)).expect("row");
        let statement = chunk
            .statement("INSERT INTO t (a, b, c, d) ", " RETURNING id")
            .expect("statement");
        assert_eq!(
            statement.sql,
            "INSERT INTO t (a, b, c, d) SELECT (e.v ->> 0)::int4 AS column1, \
             (e.v ->> 1)::text AS column2, (e.v ->> 2)::int8 AS column3, \
             (e.v ->> 3)::timestamptz AS column4 FROM jsonb_array_elements($1::jsonb) \
             WITH ORDINALITY AS e(v, n) ORDER BY e.n RETURNING id"
        );
        let values = statement.values.expect("values").0;
        let [Value::String(Some(json))] = values.as_slice() else {
            panic!("one JSON parameter: {values:?}");
        };
        // Microseconds, truncated as the driver truncates a bound timestamp.
        let at = "2026-11-30T21:52:22.025706+00:00";
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(json).expect("JSON"),
            serde_json::json!([
                [1, "a \"quoted\" \\ tïtle\n", null, at],
                [2, null, null, at]
            ])
        );
    }

    #[test]
    fn sqlite_rows_keep_their_placeholders() {
        let mut chunk = Chunk::new(DbBackend::Sqlite, 4);
        chunk.push(&mut row(1, Some("x"))).expect("row");
        chunk.push(&mut row(2, None)).expect("row");
        let statement = chunk
            .statement("INSERT INTO t (a, b, c, d) ", "")
            .expect("statement");
        assert_eq!(
            statement.sql,
            "INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?), (?, ?, ?, ?)"
        );
        assert_eq!(statement.values.expect("values").0.len(), 8);
    }

    #[test]
    fn a_value_without_a_json_form_keeps_placeholders_on_postgres() {
        let mut chunk = Chunk::new(DbBackend::Postgres, 2);
        chunk
            .push(&mut vec![1.into(), Value::Double(Some(0.5))])
            .expect("row");
        let statement = chunk
            .statement("INSERT INTO t (a, b) ", "")
            .expect("statement");
        assert_eq!(statement.sql, "INSERT INTO t (a, b) VALUES ($1, $2)");
    }

    #[test]
    fn a_column_changing_type_between_rows_is_refused() {
        let mut chunk = Chunk::new(DbBackend::Postgres, 1);
        chunk.push(&mut vec![1.into()]).expect("row");
        assert!(chunk.push(&mut vec!["one".into()]).is_err());
        assert!(chunk.push(&mut vec![1.into(), 2.into()]).is_err());
    }

    #[test]
    fn a_chunk_is_full_at_the_engine_bound() {
        let mut chunk = Chunk::new(DbBackend::Sqlite, 2);
        for i in 0..(max_values(DbBackend::Sqlite) / 2) {
            assert!(!chunk.is_full());
            chunk
                .push(&mut vec![(i as i32).into(), 0.into()])
                .expect("row");
        }
        assert!(chunk.is_full());
        let mut chunk = Chunk::new(DbBackend::Postgres, 2);
        for i in 0..JSON_ROWS_PER_STATEMENT {
            assert!(!chunk.is_full());
            chunk
                .push(&mut vec![(i as i32).into(), 0.into()])
                .expect("row");
        }
        assert!(chunk.is_full());
    }
}
